import Foundation

/// Renders compiled templates over `TemplateValue`s, with swift-mustache's
/// rules: a name is looked up from the innermost section outwards, its dotted
/// rest only inside what was found; a list repeats its section, `true` shows
/// it, `false`, `null`, a missing name and an empty list hide it, anything else
/// shows it with that value innermost; every printed value is HTML-escaped but
/// markup (`HTMLFragment`), whose values were escaped as it was written.
struct TemplateSet: Sendable {
    /// The parsed templates, by name (what the program was lowered from).
    let templates: [String: CompiledTemplate]
    let program: TemplateProgram

    init(templates: [String: CompiledTemplate]) {
        self.templates = templates
        program = TemplateProgram(templates)
    }

    func render(_ name: String, _ root: TemplateValue) -> String? {
        renderBytes(name, root).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The page as UTF-8, what a response sends.
    func renderBytes(_ name: String, _ root: TemplateValue) -> [UInt8]? {
        guard let range = program.entries[name] else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 15)
        var context = Context(stack: [root])
        render(range, &context, into: &out)
        return out
    }

    /// The values in scope, innermost last; the indentation of the partials being rendered; a page's blocks.
    /// Passed `inout` and pushed and popped in place: a copy per section shown (an array of the
    /// scopes, retained one by one) was most of the rendering's reference counting.
    struct Context {
        var stack: [TemplateValue]
        var indentation: String?
        var blocks: [String: Range<Int>] = [:]

        mutating func with(_ value: TemplateValue, _ body: (inout Context) -> Void) {
            stack.append(value)
            body(&self)
            stack.removeLast()
        }

        mutating func indented(_ more: String?, blocks overrides: [String: Range<Int>] = [:],
                               _ body: (inout Context) -> Void) {
            let (savedIndentation, savedBlocks) = (indentation, blocks)
            if let more { indentation = (indentation ?? "") + more }
            if !overrides.isEmpty { blocks.merge(overrides) { outer, _ in outer } }
            body(&self)
            (indentation, blocks) = (savedIndentation, savedBlocks)
        }
    }

    /// Inside an indented partial, swift-mustache indents each operation's output
    /// that starts a new line of this call's output; elsewhere operations write straight out.
    func render(_ ops: Range<Int>, _ context: inout Context, into out: inout [UInt8]) {
        var index = ops.lowerBound
        guard let indentation = context.indentation, !indentation.isEmpty else {
            while index < ops.upperBound { index = run(index, &context, into: &out) }
            return
        }
        var local: [UInt8] = []
        while index < ops.upperBound {
            var piece: [UInt8] = []
            index = run(index, &context, into: &piece)
            if !piece.isEmpty, local.last == UInt8(ascii: "\n") { local.append(contentsOf: indentation.utf8) }
            local.append(contentsOf: piece)
        }
        out.append(contentsOf: local)
    }

    /// Runs the operation at `index` (and its body); returns where the next one at its level is.
    func run(_ index: Int, _ context: inout Context, into out: inout [UInt8]) -> Int {
        switch program.ops[index] {
        case .text(let start, let end):
            program.bytes.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[Int(start)..<Int(end)])) }
            return index + 1
        case .variable(let start, let end):
            switch lookup(start, end, in: context.stack) {
            case .markup(let fragment)?: out.append(contentsOf: fragment.bytes)
            case let value?: Self.escape(value.printed, into: &out)
            case nil: break
            }
            return index + 1
        case .section(let start, let end, let inverted, let bodyEnd):
            let body = (index + 1)..<Int(bodyEnd)
            switch (lookup(start, end, in: context.stack), inverted) {
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
            return Int(bodyEnd)
        case .partial(let template, let indentation, let overrides, let bodyEnd):
            if template >= 0 {
                context.indented(indentation >= 0 ? program.strings[Int(indentation)] : nil,
                                 blocks: overrides >= 0 ? program.overrideSets[Int(overrides)] : [:]) {
                    render(program.templateRanges[Int(template)], &$0, into: &out)
                }
            }
            return Int(bodyEnd)
        case .block(let name, let indentation, let bodyEnd):
            let ops = context.blocks[program.strings[Int(name)]] ?? (index + 1)..<Int(bodyEnd)
            context.indented(program.strings[Int(indentation)]) { render(ops, &$0, into: &out) }
            return Int(bodyEnd)
        }
    }

    /// The value of the dotted path `program.names[start..<end]`: its first name from the
    /// innermost scope outwards, the rest only inside what was found.
    func lookup(_ start: Int32, _ end: Int32, in stack: [TemplateValue]) -> TemplateValue? {
        guard start < end else { return stack.last }
        let first = program.names[Int(start)]
        var scope = stack.count
        while scope > 0 {
            scope -= 1
            guard case .object(let fields) = stack[scope], var found = fields[first] else { continue }
            for name in Int(start + 1)..<Int(end) {
                guard let next = found.child(program.names[name]) else { return nil }
                found = next
            }
            return found
        }
        return nil
    }

    /// `&`, `<`, `>`, `"` and `'` as entities (bytes that never occur inside a longer UTF-8
    /// character); the runs between them are copied whole.
    static func escape(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var run = 0
            for index in bytes.indices {
                let entity: StaticString
                switch bytes[index] {
                case UInt8(ascii: "&"): entity = "&amp;"
                case UInt8(ascii: "<"): entity = "&lt;"
                case UInt8(ascii: ">"): entity = "&gt;"
                case UInt8(ascii: "\""): entity = "&quot;"
                case UInt8(ascii: "'"): entity = "&#39;"
                default: continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                entity.withUTF8Buffer { out.append(contentsOf: $0) }
                run = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
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
        self.init(templates: templates)
    }
}
