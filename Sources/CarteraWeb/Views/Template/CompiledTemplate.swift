import Foundation

/// A mustache template parsed once, for `TemplateValue`s. It reads the part of
/// mustache Cartera's templates use — variables, sections, inverted sections,
/// partials, and a page filling its layout's blocks (`{{<layout}}{{$content}}`)
/// — with swift-mustache's rules for standalone lines and indentation
/// (`TemplateEquivalenceTests` renders every template both ways), and refuses
/// anything else when the templates load, so a template using more fails at
/// start-up instead of rendering differently.
struct CompiledTemplate: Sendable {
    indirect enum Token: Sendable {
        case text(String)
        /// A dotted name split at its dots; `[]` is `{{.}}`.
        case variable([String])
        case section([String], inverted: Bool, [Token])
        /// `indentation` when the tag stood alone on its line; `overrides` the blocks a page gives its layout.
        case partial(String, indentation: String?, overrides: [String: [Token]])
        /// A block of a layout, with what it shows when the page gives none.
        case block(String, indentation: String, [Token])
        /// A page's content for a layout's block; only inside a partial's overrides.
        case blockDefinition(String, [Token])
    }

    struct ParseError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    let tokens: [Token]

    init(_ source: String) throws {
        var parser = Parser(Array(source))
        tokens = try parser.parse(State())
    }

    static func path(_ name: String) -> [String] {
        name == "." ? [] : name.split(separator: ".").map(String.init)
    }

    /// Where the parser is: which section it must close, whether it is at the
    /// start of a line, and inside a page's `{{<layout}}`, whether at its top
    /// (where only block definitions count) and how far the block's first line
    /// was indented (every line of a block loses that much).
    struct State {
        var section: String?
        var newLine = true
        var inDefinition = false
        var definitionTop = false
        var definitionIndent: String?

        func entering(_ name: String, newLine: Bool) -> State {
            var state = self
            state.section = name
            state.definitionTop = false
            if !newLine { state.newLine = false }
            return state
        }
    }

    /// swift-mustache's parser, cut down to the tags above: text is kept a line
    /// per token, and a section, block or partial tag alone on its line takes
    /// the line (its leading whitespace becomes a partial's indentation).
    struct Parser {
        let characters: [Character]
        var position = 0

        init(_ characters: [Character]) { self.characters = characters }

        var atEnd: Bool { position >= characters.count }
        var current: Character? { atEnd ? nil : characters[position] }

        mutating func parse(_ start: State) throws -> [Token] {
            var tokens: [Token] = []
            var state = start
            var whiteSpaceBefore = ""
            while !atEnd {
                if state.newLine {
                    let whiteSpace = read { $0 == " " || $0 == "\t" }
                    if state.inDefinition && !state.definitionTop {
                        if let indent = state.definitionIndent {
                            whiteSpaceBefore = String(whiteSpace.dropFirst(indent.count))
                        } else {
                            state.definitionIndent = whiteSpace
                        }
                    } else {
                        whiteSpaceBefore = whiteSpace
                    }
                }
                let text = readText()
                if let newline = current, newline.isNewline {
                    tokens.append(.text(whiteSpaceBefore + text + String(newline)))
                    state.newLine = true
                    position += 1
                    continue
                }
                if !text.isEmpty {
                    tokens.append(.text(whiteSpaceBefore + text))
                    whiteSpaceBefore = ""
                    state.newLine = false
                }
                if atEnd { break }
                var setNewLine = false
                switch current {
                case "#", "^":
                    let inverted = current == "^"
                    position += 1
                    let name = try readName()
                    if state.newLine && lineFinished() {
                        setNewLine = true
                    } else if !whiteSpaceBefore.isEmpty {
                        tokens.append(.text(whiteSpaceBefore))
                        whiteSpaceBefore = ""
                    }
                    let body = try parse(state.entering(name, newLine: setNewLine))
                    tokens.append(.section(CompiledTemplate.path(name), inverted: inverted, body))
                case "/":
                    position += 1
                    let name = try readName()
                    guard name == state.section else { throw ParseError(message: "{{/\(name)}} closes \(state.section ?? "nothing")") }
                    if !(state.newLine && lineFinished()), !whiteSpaceBefore.isEmpty { tokens.append(.text(whiteSpaceBefore)) }
                    return tokens
                case ">", "<":
                    let inherits = current == "<"
                    position += 1
                    _ = read { $0.isWhitespace }
                    let name = try readName(partial: true)
                    if !whiteSpaceBefore.isEmpty { tokens.append(.text(whiteSpaceBefore)) }
                    let standalone = state.newLine && lineFinished()
                    setNewLine = standalone
                    if inherits {
                        var definition = state
                        definition.section = name
                        definition.newLine = true
                        definition.inDefinition = true
                        definition.definitionTop = true
                        var overrides: [String: [Token]] = [:]
                        for token in try parse(definition) {
                            switch token {
                            case .blockDefinition(let block, let body): overrides[block] = body
                            case .text: break
                            default: throw ParseError(message: "only blocks may fill {{<\(name)}}")
                            }
                        }
                        tokens.append(.partial(name, indentation: whiteSpaceBefore, overrides: overrides))
                    } else {
                        tokens.append(.partial(name, indentation: standalone ? whiteSpaceBefore : nil, overrides: [:]))
                    }
                    whiteSpaceBefore = ""
                case "$":
                    position += 1
                    let name = try readName()
                    if state.definitionTop {
                        setNewLine = state.newLine && lineFinished()
                        tokens.append(.blockDefinition(name, try parse(state.entering(name, newLine: setNewLine))))
                    } else {
                        if !whiteSpaceBefore.isEmpty { tokens.append(.text(whiteSpaceBefore)) }
                        setNewLine = state.newLine && lineFinished()
                        tokens.append(.block(name, indentation: whiteSpaceBefore, try parse(state.entering(name, newLine: setNewLine))))
                        whiteSpaceBefore = ""
                    }
                case "!", "{", "&", "=", "%":
                    throw ParseError(message: "{{\(current!) is not supported by CompiledTemplate")
                default:
                    if !whiteSpaceBefore.isEmpty {
                        tokens.append(.text(whiteSpaceBefore))
                        whiteSpaceBefore = ""
                    }
                    tokens.append(.variable(CompiledTemplate.path(try readName())))
                }
                state.newLine = setNewLine
            }
            if let section = state.section { throw ParseError(message: "{{#\(section)}} is not closed") }
            return tokens
        }

        mutating func read(while predicate: (Character) -> Bool) -> String {
            let start = position
            while let character = current, predicate(character) { position += 1 }
            return String(characters[start..<position])
        }

        /// Text up to a newline or an opening `{{` (which it consumes).
        mutating func readText() -> String {
            var text = ""
            while let character = current {
                if character.isNewline { break }
                if character == "{", position + 1 < characters.count, characters[position + 1] == "{" {
                    position += 2
                    break
                }
                text.append(character)
                position += 1
            }
            return text
        }

        static let nameCharacters = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*")

        mutating func readName(partial: Bool = false) throws -> String {
            _ = read { $0.isWhitespace }
            let name = read { Self.nameCharacters.contains($0) || (partial && $0 == "/") }
            _ = read { $0.isWhitespace }
            guard current == "}", position + 1 < characters.count, characters[position + 1] == "}" else {
                throw ParseError(message: "unfinished tag \(name) at character \(position)")
            }
            position += 2
            return name
        }

        /// Whether only spaces are left on the line; if so the line, newline included, is consumed.
        mutating func lineFinished() -> Bool {
            if atEnd { return true }
            var probe = position
            while probe < characters.count, characters[probe] == " " || characters[probe] == "\t" { probe += 1 }
            guard probe < characters.count, characters[probe].isNewline else { return false }
            position = probe + 1
            return true
        }
    }
}
