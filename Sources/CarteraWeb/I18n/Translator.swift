import CarteraCore
import Foundation

/// The text catalogues, one JSON file per language (`locales/es.json`):
/// key → text; plural forms as `key_one` / `key_other`.
public struct Translator: Sendable {
    public let catalogs: [Language: [String: String]]
    /// The catalogues as compiled templates read them, made once.
    let templateCatalogs: [Language: TemplateValue]

    public init(directory: URL) throws {
        var catalogs: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(language.rawValue).json"))
            catalogs[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        self.catalogs = catalogs
        templateCatalogs = catalogs.mapValues { .object(TemplateFields($0.mapValues(TemplateValue.text))) }
    }

    /// The whole catalogue, handed to templates as `t`.
    public func catalog(_ language: Language) -> [String: String] { catalogs[language] ?? [:] }

    func templateCatalog(_ language: Language) -> TemplateValue { templateCatalogs[language] ?? .object([:]) }

    /// The text for a key; the Spanish text, then the key itself, when missing.
    public func text(_ key: String, _ language: Language, _ arguments: [String: String] = [:]) -> String {
        Self.fill(catalogs[language]?[key] ?? catalogs[.es]?[key] ?? key, arguments)
    }

    /// Each `{name}` of `text` that `arguments` names replaced by its value, in one pass (a
    /// search through Foundation per argument was 2 % of the client list's CPU); a value is
    /// never searched again, and braces around anything else stay as they are.
    static func fill(_ text: String, _ arguments: [String: String]) -> String {
        guard !arguments.isEmpty else { return text }
        var out = ""
        var rest = text[...]
        while let open = rest.utf8.firstIndex(of: UInt8(ascii: "{")) {
            out += rest[..<open]
            let name = rest[rest.utf8.index(after: open)...]
            if let close = name.utf8.firstIndex(of: UInt8(ascii: "}")), let value = arguments[String(name[..<close])] {
                out += value
                rest = name[name.utf8.index(after: close)...]
            } else {
                out += "{"
                rest = name
            }
        }
        return out + rest
    }

    /// "1 cliente" / "12 clientes".
    public func plural(_ key: String, count: Int, _ language: Language) -> String {
        text(count == 1 ? "\(key)_one" : "\(key)_other", language, ["count": String(count)])
    }

    /// "El campo «Razón social» es obligatorio." `label` names fields the
    /// catalogue does not know (custom fields).
    public func message(for error: FieldError, _ language: Language, label: (String) -> String? = { _ in nil }) -> String {
        let fieldName = label(error.field) ?? text("field_\(error.field)", language)
        var arguments = ["field": fieldName]
        for (index, value) in error.arguments.enumerated() { arguments["\(index)"] = value }
        return text("error_\(error.code)", language, arguments)
    }
}
