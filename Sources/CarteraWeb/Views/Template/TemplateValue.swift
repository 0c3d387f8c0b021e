/// What a compiled template reads: the shapes `TemplateEncoder` makes of a
/// view model. A closed set, so rendering switches over it instead of asking
/// an `Any` which protocols it conforms to — those casts were most of the
/// time swift-mustache spent on a page.
enum TemplateValue: Sendable, Equatable {
    case text(String)
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case list([TemplateValue])
    case object(TemplateFields)
    /// Markup already escaped where it holds values, printed by `{{name}}` as it is.
    case markup(HTMLFragment)
    case null

    /// What `{{name}}` prints before escaping, as swift-mustache prints the same value.
    var printed: String {
        switch self {
        case .text(let text): text
        case .bool(let bool): bool ? "true" : "false"
        case .integer(let integer): String(integer)
        case .number(let number): String(describing: number)
        case .null: ""
        // No template prints a list or an object; these are never shown. Markup is written
        // as it is by the renderer, never through this.
        case .list, .object, .markup: ""
        }
    }

    /// The value of `name` in an object; nothing in any other value.
    func child(_ name: String) -> TemplateValue? {
        if case .object(let fields) = self { fields[name] } else { nil }
    }
}
