import Foundation

/// Renders compiled templates over `TemplateValue`s, with swift-mustache's
/// rules: a name is looked up from the innermost section outwards, its dotted
/// rest only inside what was found; a list repeats its section, `true` shows
/// it, `false`, `null`, a missing name and an empty list hide it, anything else
/// shows it with that value innermost; every printed value is HTML-escaped.
struct TemplateSet: Sendable {
    let templates: [String: CompiledTemplate]

    func render(_ name: String, _ root: TemplateValue) -> String? {
        guard let template = templates[name] else { return nil }
        var out = ""
        var context = Context(stack: [root])
        render(template.tokens, &context, into: &out)
        return out
    }

    /// The values in scope, innermost last; the indentation of the partials being rendered; a page's blocks.
    /// Passed `inout` and pushed and popped in place: a copy per section shown (an array of the
    /// scopes, retained one by one) was most of the rendering's reference counting.
    struct Context {
        var stack: [TemplateValue]
        var indentation: String?
        var blocks: [String: [CompiledTemplate.Token]] = [:]

        mutating func with(_ value: TemplateValue, _ body: (inout Context) -> Void) {
            stack.append(value)
            body(&self)
            stack.removeLast()
        }

        mutating func indented(_ more: String?, blocks overrides: [String: [CompiledTemplate.Token]] = [:],
                               _ body: (inout Context) -> Void) {
            let (savedIndentation, savedBlocks) = (indentation, blocks)
            if let more { indentation = (indentation ?? "") + more }
            if !overrides.isEmpty { blocks.merge(overrides) { outer, _ in outer } }
            body(&self)
            (indentation, blocks) = (savedIndentation, savedBlocks)
        }
    }

    /// Inside an indented partial, swift-mustache indents each token's output
    /// that starts a new line of this call's output; elsewhere tokens go straight out.
    func render(_ tokens: [CompiledTemplate.Token], _ context: inout Context, into out: inout String) {
        guard let indentation = context.indentation, !indentation.isEmpty else {
            for token in tokens { render(token, &context, into: &out) }
            return
        }
        var local = ""
        for token in tokens {
            var piece = ""
            render(token, &context, into: &piece)
            if !piece.isEmpty, local.utf8.last == UInt8(ascii: "\n") { local += indentation }
            local += piece
        }
        out += local
    }

    func render(_ token: CompiledTemplate.Token, _ context: inout Context, into out: inout String) {
        switch token {
        case .text(let text):
            out += text
        case .variable(let path):
            if let value = lookup(path, in: context.stack) { Self.escape(value.printed, into: &out) }
        case .section(let path, let inverted, let body):
            switch (lookup(path, in: context.stack), inverted) {
            case (.list(let items)?, false):
                for item in items { context.with(item) { render(body, &$0, into: &out) } }
            case (.list(let items)?, true):
                if items.isEmpty { context.with(.list([])) { render(body, &$0, into: &out) } }
            case (.bool(let shown)?, _):
                if shown != inverted { render(body, &context, into: &out) }
            case (nil, true), (.null?, true):
                render(body, &context, into: &out)
            case (nil, false), (.null?, false), (_?, true):
                break
            case (let value?, false):
                context.with(value) { render(body, &$0, into: &out) }
            }
        case .partial(let name, let indentation, let overrides):
            guard let partial = templates[name] else { return }
            context.indented(indentation, blocks: overrides) { render(partial.tokens, &$0, into: &out) }
        case .block(let name, let indentation, let fallback):
            let tokens = context.blocks[name] ?? fallback
            context.indented(indentation) { render(tokens, &$0, into: &out) }
        case .blockDefinition:
            break
        }
    }

    func lookup(_ path: [String], in stack: [TemplateValue]) -> TemplateValue? {
        guard let first = path.first else { return stack.last }
        for scope in stack.reversed() {
            guard var found = scope.child(first) else { continue }
            for name in path.dropFirst() {
                guard let next = found.child(name) else { return nil }
                found = next
            }
            return found
        }
        return nil
    }

    /// `&`, `<`, `>`, `"` and `'` as entities; text without them is copied whole.
    static func escape(_ text: String, into out: inout String) {
        let special: (UInt8) -> Bool = { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }
        guard text.utf8.contains(where: special) else { return out += text }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}

extension TemplateSet {
    /// Every `.mustache` file under `directory`, named by its path without the extension.
    init(directory: URL) throws {
        var templates: [String: CompiledTemplate] = [:]
        let files = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String } ?? []
        for path in files where path.hasSuffix(".mustache") {
            do {
                templates[String(path.dropLast(".mustache".count))] =
                    try CompiledTemplate(String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8))
            } catch let error as CompiledTemplate.ParseError {
                throw CompiledTemplate.ParseError(message: "\(path): \(error.message)")
            }
        }
        self.templates = templates
    }
}
