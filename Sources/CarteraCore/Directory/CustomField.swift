import Foundation

/// The type of a custom field of the client card.
public enum CustomFieldType: String, Sendable, Codable, CaseIterable {
    case text, longText = "long_text", integer, decimal, date, email, phone, url, photoURL = "photo_url"
    case choice, checkbox
}

/// A custom field definition. Its `key` is made from the label at creation and
/// never changes; values live in the record's JSON column under that key.
public struct CustomFieldDefinition: Hashable, Sendable, Codable {
    public typealias ID = EntityID<CustomFieldDefinition>
    public var id: ID
    public var key: String
    public var labelES: String
    public var labelEN: String
    public var type: CustomFieldType
    public var required: Bool
    public var showInList: Bool
    public var choices: [String]
    public var position: Int
    /// Hidden fields keep their data until an explicit purge.
    public var active: Bool
    public var version: Int64

    public init(id: ID, key: String, labelES: String, labelEN: String, type: CustomFieldType, required: Bool,
                showInList: Bool, choices: [String], position: Int, active: Bool, version: Int64) {
        self.id = id; self.key = key; self.labelES = labelES; self.labelEN = labelEN; self.type = type
        self.required = required; self.showInList = showInList; self.choices = choices
        self.position = position; self.active = active; self.version = version
    }

    public func label(_ language: Language) -> String { language == .en && !labelEN.isEmpty ? labelEN : labelES }

    /// An immutable key from a label: "Número de medidor" → "numero_de_medidor".
    public static func makeKey(from label: String) -> String {
        let key = Normalization.searchKey(label).replacingOccurrences(of: " ", with: "_")
        return String(key.prefix(60))
    }
}

/// A custom field value, typed. Stored as JSON: strings, numbers and booleans.
public enum CustomFieldValue: Hashable, Sendable, Codable {
    case text(String)
    case integer(Int64)
    case decimal(Double)
    case bool(Bool)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .decimal(d) }
        else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .text(let s): try c.encode(s)
        case .integer(let i): try c.encode(i)
        case .decimal(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        }
    }

    /// The value as a form shows it.
    public var displayText: String {
        switch self {
        case .text(let s): s
        case .integer(let i): String(i)
        case .decimal(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): b ? "true" : "false"
        }
    }
}

extension CustomFieldDefinition {
    /// Parses and validates a raw value (from a form, a spreadsheet or JSON
    /// already turned into text). `nil` means "no value".
    public func parse(_ raw: String?, into v: inout Validator) -> CustomFieldValue? {
        let field = "customFields.\(key)"
        let text = raw?.trimmed ?? ""
        if type == .checkbox {
            let on = ["1", "true", "on", "si", "sí", "yes", "x"].contains(text.lowercased())
            if required && !on { v.add(field, "required") }
            // An unticked box stores nothing: absent reads as false everywhere.
            return on ? .bool(true) : nil
        }
        if text.isEmpty {
            if required { v.add(field, "required") }
            return nil
        }
        switch type {
        case .text, .phone:
            if text.count > 500 { v.add(field, "too_long", ["500"]); return nil }
            if type == .phone && !Contactability.isPhone(text) { v.add(field, "invalid_phone"); return nil }
            return .text(text)
        case .longText:
            if text.count > 10_000 { v.add(field, "too_long", ["10000"]); return nil }
            return .text(text)
        case .integer:
            guard let i = Int64(text) else { v.add(field, "invalid_integer"); return nil }
            return .integer(i)
        case .decimal:
            guard let d = Double(text.replacingOccurrences(of: ",", with: ".")), d.isFinite else {
                v.add(field, "invalid_decimal"); return nil
            }
            return .decimal(d)
        case .date:
            guard CalendarDate(text) != nil else { v.add(field, "invalid_date"); return nil }
            return .text(text)
        case .email:
            guard Contactability.isEmail(text) else { v.add(field, "invalid_email"); return nil }
            return .text(text.lowercased())
        case .url, .photoURL:
            guard Contactability.isWebURL(text) else { v.add(field, "invalid_url"); return nil }
            return .text(text)
        case .choice:
            guard choices.contains(text) else { v.add(field, "invalid_choice"); return nil }
            return .text(text)
        case .checkbox:
            return nil
        }
    }
}

/// A calendar date `YYYY-MM-DD` with no time zone (DESIGN.md "Time").
public struct CalendarDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1 else { return nil }
        let daysInMonth = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d <= daysInMonth[m - 1] else { return nil }
        year = y; month = m; day = d
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (a: Self, b: Self) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}
