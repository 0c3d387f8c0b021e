/// An object's fields as a template reads them. The few of a view model's row are kept
/// in order and found by a scan, comparing lengths before text: hashing each name was a
/// tenth of the client list's CPU (every `{{name}}` hashed it once per scope it tried,
/// and building each row's dictionary hashed every field). Many fields (a language's
/// catalogue, hundreds of texts) are hashed as before. A name given twice reads its last value.
struct TemplateFields: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var names: [String] = []
    private var values: [TemplateValue] = []
    private var hashed: [String: TemplateValue]?

    /// Past this many fields a scan costs more than a hash.
    static let scanned = 24

    init(_ fields: [String: TemplateValue]) {
        if fields.count > Self.scanned {
            hashed = fields
        } else {
            names = Array(fields.keys)
            values = Array(fields.values)
        }
    }

    init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self.init(Dictionary(elements) { _, last in last })
    }

    init(capacity: Int) {
        names.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// Adds a field; past `scanned` of them the fields are hashed from then on.
    mutating func append(_ name: String, _ value: TemplateValue) {
        if hashed != nil { hashed![name] = value; return }
        names.append(name)
        values.append(value)
        if names.count > Self.scanned { self = Self(dictionary) }
    }

    subscript(name: String) -> TemplateValue? {
        if let hashed { return hashed[name] }
        let length = name.utf8.count
        var index = names.count
        while index > 0 {
            index -= 1
            if names[index].utf8.count == length, names[index] == name { return values[index] }
        }
        return nil
    }

    /// Every field once, its last value (comparisons, tests).
    var dictionary: [String: TemplateValue] {
        hashed ?? Dictionary(zip(names, values)) { _, last in last }
    }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.dictionary == rhs.dictionary }
}
