/// Every template of a `TemplateSet` lowered into one flat array of operations that hold
/// only integers: rendering walks it by index, so it retains nothing per operation (the token
/// tree it replaces retained a node, a name array and a body array per token — most of the
/// client list's rendering time). A section's, block's or partial's body follows it, and the
/// operation says where the body ends. Text is kept as UTF-8 bytes, copied out whole.
struct TemplateProgram: Sendable {
    enum Op: Sendable {
        /// `bytes[start..<end]`.
        case text(start: Int32, end: Int32)
        /// `names[start..<end]` is the dotted path; an empty path is `{{.}}`.
        case variable(start: Int32, end: Int32)
        /// `names[start..<end]` is the path; the body runs from the next operation to `bodyEnd`.
        case section(start: Int32, end: Int32, inverted: Bool, bodyEnd: Int32)
        /// `template` is an index into `templateRanges` (-1: no such template, nothing shown);
        /// `indentation` into `strings` (-1: none); `overrides` into `overrideSets` (-1: none).
        /// Override bodies follow it up to `bodyEnd` and are run only as blocks.
        case partial(template: Int32, indentation: Int32, overrides: Int32, bodyEnd: Int32)
        /// A layout's block, named by `strings[name]`; its fallback body runs to `bodyEnd`.
        case block(name: Int32, indentation: Int32, bodyEnd: Int32)
    }

    private(set) var ops: [Op] = []
    private(set) var bytes: [UInt8] = []
    private(set) var names: [String] = []
    private(set) var strings: [String] = []
    /// A page's blocks for its layout: block name → operations.
    private(set) var overrideSets: [[String: Range<Int>]] = []
    /// Each template's operations, by name, and by the index a partial holds.
    private(set) var entries: [String: Range<Int>] = [:]
    private(set) var templateRanges: [Range<Int>] = []

    init(_ templates: [String: CompiledTemplate]) {
        let order = templates.keys.sorted()
        let index = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        // A partial holds its template's index, so it may name one lowered after it.
        var ranges: [Range<Int>] = []
        for name in order {
            let start = ops.count
            lower(templates[name]!.tokens, index)
            ranges.append(start..<ops.count)
        }
        templateRanges = ranges
        entries = Dictionary(uniqueKeysWithValues: zip(order, ranges))
    }

    private mutating func lower(_ tokens: [CompiledTemplate.Token], _ index: [String: Int]) {
        for token in tokens {
            switch token {
            case .text(let text):
                let start = bytes.count
                bytes.append(contentsOf: text.utf8)
                ops.append(.text(start: Int32(start), end: Int32(bytes.count)))
            case .variable(let path):
                let (start, end) = add(path)
                ops.append(.variable(start: start, end: end))
            case .section(let path, let inverted, let body):
                let (start, end) = add(path)
                let at = ops.count
                ops.append(.text(start: 0, end: 0))
                lower(body, index)
                ops[at] = .section(start: start, end: end, inverted: inverted, bodyEnd: Int32(ops.count))
            case .partial(let name, let indentation, let overrides):
                let at = ops.count
                ops.append(.text(start: 0, end: 0))
                var set: [String: Range<Int>] = [:]
                for (block, body) in overrides {
                    let start = ops.count
                    lower(body, index)
                    set[block] = start..<ops.count
                }
                if !set.isEmpty { overrideSets.append(set) }
                let indented = indentation.map { string($0) } ?? -1
                ops[at] = .partial(template: Int32(index[name] ?? -1), indentation: indented,
                                   overrides: set.isEmpty ? -1 : Int32(overrideSets.count - 1), bodyEnd: Int32(ops.count))
            case .block(let name, let indentation, let fallback):
                let at = ops.count
                ops.append(.text(start: 0, end: 0))
                lower(fallback, index)
                ops[at] = .block(name: string(name), indentation: string(indentation), bodyEnd: Int32(ops.count))
            case .blockDefinition:
                break
            }
        }
    }

    private mutating func add(_ path: [String]) -> (Int32, Int32) {
        let start = names.count
        names.append(contentsOf: path)
        return (Int32(start), Int32(names.count))
    }

    private mutating func string(_ text: String) -> Int32 {
        strings.append(text)
        return Int32(strings.count - 1)
    }
}
