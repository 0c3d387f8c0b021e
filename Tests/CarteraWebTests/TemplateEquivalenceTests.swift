@testable import CarteraWeb
import Foundation
import Mustache
import Testing

/// Every template of the product, rendered by the compiled templates and by
/// swift-mustache over the same generated values, gives the same text: the
/// standalone lines, partial indentation, lookups and escaping agree.
@Suite("Compiled templates render as swift-mustache does")
struct TemplateEquivalenceTests {
    @Test("every template, over values that show, hide and repeat each section")
    func everyTemplate() async throws {
        let directory = try ResourceLocator.locate(override: nil).appendingPathComponent("templates")
        let library = try await MustacheLibrary(directory: directory.path)
        let compiled = try TemplateSet(directory: directory)
        #expect(compiled.templates.count > 80)
        for (name, template) in compiled.templates.sorted(by: { $0.key < $1.key }) {
            // The names of the page and of the partials and layout it includes.
            var names: Set<String> = [], printed: Set<String> = []
            collect(template.tokens, &names, &printed)
            for partial in ["layout"] + partials(template.tokens) { collect(compiled.templates[partial]?.tokens ?? [], &names, &printed) }
            for variant in 0..<4 {
                let root = universe(names, printed: printed, depth: 3, variant: variant)
                let mine = compiled.render(name, root) ?? "", theirs = library.render(root.mustacheValue, withTemplate: name) ?? ""
                #expect(mine == theirs, "\(name), variant \(variant): \(difference(mine, theirs))")
            }
        }
    }

    /// Where two renderings part, for the failure message.
    func difference(_ a: String, _ b: String) -> String {
        let (a, b) = (Array(a), Array(b))
        let index = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        return "at \(index): …\(String(a[max(0, index - 60)..<min(a.count, index + 60)])) | …\(String(b[max(0, index - 60)..<min(b.count, index + 60)]))"
    }

    func partials(_ tokens: [CompiledTemplate.Token]) -> [String] {
        tokens.flatMap { token -> [String] in
            switch token {
            case .partial(let name, _, let overrides): [name] + overrides.values.flatMap(partials)
            case .section(_, _, let body), .block(_, _, let body), .blockDefinition(_, let body): partials(body)
            case .text, .variable: []
            }
        }
    }

    @Test("standalone tags take their line; a standalone partial indents each of its lines")
    func whitespace() throws {
        let partial = try CompiledTemplate("<li>{{.}}</li>\n<li>again</li>\n")
        let page = try CompiledTemplate("<ul>\n  {{#items}}\n    {{> item}}\n  {{/items}}\n</ul>{{^items}} none{{/items}}\n")
        let set = TemplateSet(templates: ["item": partial, "page": page])
        #expect(set.render("page", .object(["items": .list([.text("a<b"), .text("c")])]))
                == "<ul>\n    <li>a&lt;b</li>\n    <li>again</li>\n    <li>c</li>\n    <li>again</li>\n</ul>\n")
        #expect(set.render("page", .object(["items": .list([])])) == "<ul>\n</ul> none\n")
        #expect(throws: CompiledTemplate.ParseError.self) { try CompiledTemplate("{{#a}}x") }
        #expect(throws: CompiledTemplate.ParseError.self) { try CompiledTemplate("{{{raw}}}") }
    }

    /// Names of every tag; `printed` those printed by `{{name}}`, which get plain values only.
    func collect(_ tokens: [CompiledTemplate.Token], _ names: inout Set<String>, _ printed: inout Set<String>) {
        for token in tokens {
            switch token {
            case .text: break
            case .variable(let path): names.formUnion(path); if let last = path.last { printed.insert(last) }
            case .section(let path, _, let body):
                names.formUnion(path)
                // A section printing its own value ({{.}}) holds plain values too.
                if body.contains(where: { if case .variable([]) = $0 { true } else { false } }), let last = path.last { printed.insert(last) }
                collect(body, &names, &printed)
            case .block(_, _, let body), .blockDefinition(_, let body): collect(body, &names, &printed)
            case .partial(_, _, let overrides): overrides.values.forEach { collect($0, &names, &printed) }
            }
        }
    }

    /// An object answering every name: printed names get text (with characters to escape) or numbers;
    /// the others also booleans, lists of two objects like this one, empty lists, objects or nothing.
    /// Which one depends on the name, the depth and the variant, the same way every run.
    func universe(_ names: Set<String>, printed: Set<String>, depth: Int, variant: Int) -> TemplateValue {
        let inner = depth > 0 ? universe(names, printed: printed, depth: depth - 1, variant: variant) : .object([:])
        var fields: [String: TemplateValue] = [:]
        for name in names {
            let pick = (name.unicodeScalars.reduce(UInt32(variant) &* 31) { $0 &* 33 &+ $1.value } &+ UInt32(depth)) % 8
            switch pick {
            case 0: fields[name] = .text("«\(name)» & <b> \"q\" 'a'\n")
            // A printed name gets no booleans: `{{.}}` in a section shown by `true` would print the object around it.
            case 1: fields[name] = printed.contains(name) ? .text("1") : .bool(true)
            case 2: fields[name] = printed.contains(name) ? .text("2") : .bool(false)
            case 3: fields[name] = .integer(Int64(depth))
            case 4: fields[name] = printed.contains(name) ? .number(0.5) : .list([inner, inner])
            case 5: fields[name] = printed.contains(name) ? .text("") : .list([])
            case 6: fields[name] = printed.contains(name) ? .text("x") : inner
            default: break
            }
        }
        return .object(TemplateFields(fields))
    }
}

extension TemplateValue {
    /// The same value as the dictionaries and arrays swift-mustache reads.
    var mustacheValue: Any {
        switch self {
        case .text(let text): text
        case .bool(let bool): bool
        case .integer(let integer): integer
        case .number(let number): number
        case .list(let items): items.map(\.mustacheValue)
        case .object(let fields): fields.dictionary.mapValues(\.mustacheValue)
        // The generated values hold no markup (it has no swift-mustache counterpart but triple braces).
        case .markup(let fragment): String(decoding: fragment.bytes, as: UTF8.self)
        case .null: Optional<Any>.none as Any
        }
    }
}
