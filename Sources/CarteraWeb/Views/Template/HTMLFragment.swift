/// Markup made by `HTMLWriter`: its static parts are string literals of the code and
/// every value in it was escaped as it was written, so a template prints it as it is
/// (`TemplateValue.markup`). Nothing else can make one.
struct HTMLFragment: Sendable, Equatable, TemplateRepresentable {
    fileprivate(set) var bytes: [UInt8] = []

    var templateValue: TemplateValue { .markup(self) }

    /// As its text (an encoder other than the templates' gets the markup, never unescaped values).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(decoding: bytes, as: UTF8.self))
    }
}

/// Writes an `HTMLFragment` a piece at a time. For the few parts of a page where a
/// template walking one object per cell costs more than the page's queries (the client
/// list's rows: docs/decisions.md "The client list writes its rows in code").
struct HTMLWriter {
    private(set) var fragment = HTMLFragment()

    init(capacity: Int = 0) { fragment.bytes.reserveCapacity(capacity) }

    /// Markup of the code itself, written as it is.
    mutating func markup(_ text: StaticString) {
        text.withUTF8Buffer { fragment.bytes.append(contentsOf: $0) }
    }

    /// A value, escaped as a template's `{{name}}` escapes it (text or an attribute's value).
    mutating func text(_ value: String) {
        TemplateSet.escape(value, into: &fragment.bytes)
    }
}
