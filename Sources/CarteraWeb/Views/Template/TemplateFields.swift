/// An object's fields as a template reads them. The few of a view model's row are kept
/// in order and found by a scan, comparing lengths before text: hashing each name was a
/// tenth of the client list's CPU (every `{{name}}` hashed it once per scope it tried,
/// and building each row's dictionary hashed every field). Many fields (a language's
/// catalogue, hundreds of texts) are hashed as before. A name given twice reads its last value.
struct TemplateFields: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// One reference either way, so a scope probed by a lookup costs one retain; the scanned
    /// fields live in one allocation with their count (they were two arrays, two retains a probe).
    /// Sendable by hand: `ManagedBuffer` cannot be, and the storage is changed only while uniquely referenced.
    private enum Kind: @unchecked Sendable {
        case scanned(Scanned)
        case hashed([String: TemplateValue])
    }

    /// Names and values side by side after the count. Changed only while uniquely referenced.
    private final class Scanned: ManagedBuffer<Int, (name: String, value: TemplateValue)> {
        static func make(capacity: Int) -> Scanned {
            unsafeDowncast(create(minimumCapacity: capacity) { _ in 0 }, to: Scanned.self)
        }

        deinit { _ = withUnsafeMutablePointers { count, entries in entries.deinitialize(count: count.pointee) } }

        /// A copy with room for `capacity` entries.
        func copy(capacity: Int) -> Scanned {
            let copy = Scanned.make(capacity: capacity)
            withUnsafeMutablePointers { count, entries in
                copy.withUnsafeMutablePointers { copyCount, copyEntries in
                    copyEntries.initialize(from: entries, count: count.pointee)
                    copyCount.pointee = count.pointee
                }
            }
            return copy
        }

        /// The entries, for `body` only.
        func withEntries<R>(_ body: (UnsafeBufferPointer<(name: String, value: TemplateValue)>) -> R) -> R {
            withUnsafeMutablePointers { count, entries in body(UnsafeBufferPointer(start: entries, count: count.pointee)) }
        }
    }

    private var kind: Kind

    /// Past this many fields a scan costs more than a hash.
    static let scanned = 24

    init(_ fields: [String: TemplateValue]) {
        guard fields.count <= Self.scanned else { self.init(hashed: fields); return }
        self.init(writing: fields.lazy.map { ($0.key, $0.value) }, capacity: fields.count)
    }

    init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self.init(Dictionary(elements) { _, last in last })
    }

    init(capacity: Int) {
        self.init(scanned: Scanned.make(capacity: capacity))
    }

    private init(hashed fields: [String: TemplateValue]) {
        kind = .hashed(fields)
    }

    /// The pairs that have a value, written straight into their storage (a view model's row
    /// builds one of these per cell; appending one by one checked uniqueness each time).
    init(present pairs: KeyValuePairs<String, TemplateValue?>) {
        guard pairs.count <= Self.scanned else {
            self.init(hashed: Dictionary(pairs.compactMap { name, value in value.map { (name, $0) } }) { _, last in last })
            return
        }
        self.init(writing: pairs.lazy.compactMap { name, value in value.map { (name, $0) } }, capacity: pairs.count)
    }

    /// `fields`, at most `capacity` of them, written in order into one new storage.
    private init(writing fields: some Sequence<(String, TemplateValue)>, capacity: Int) {
        let storage = Scanned.make(capacity: capacity)
        storage.withUnsafeMutablePointers { count, entries in
            for (name, value) in fields {
                (entries + count.pointee).initialize(to: (name, value))
                count.pointee += 1
            }
        }
        self.init(scanned: storage)
    }

    private init(scanned storage: Scanned) {
        kind = .scanned(storage)
    }

    /// Adds a field; past `scanned` of them the fields are hashed from then on.
    mutating func append(_ name: String, _ value: TemplateValue) {
        switch kind {
        case .hashed(var fields):
            kind = .hashed([:])  // lets go of the dictionary, so that it is changed in place
            fields[name] = value
            kind = .hashed(fields)
        case .scanned(var storage):
            let count = storage.header
            if count >= Self.scanned {
                var fields = dictionary
                fields[name] = value
                kind = .hashed(fields)
                return
            }
            kind = .hashed([:])  // lets go of the storage, so that `isKnownUniquelyReferenced` can say yes
            if !isKnownUniquelyReferenced(&storage) || storage.capacity == count {
                storage = storage.copy(capacity: max(4, count * 2))
            }
            storage.withUnsafeMutablePointers { count, entries in
                (entries + count.pointee).initialize(to: (name, value))
                count.pointee += 1
            }
            kind = .scanned(storage)
        }
    }

    subscript(name: String) -> TemplateValue? {
        switch kind {
        case .hashed(let fields):
            return fields[name]
        case .scanned(let storage):
            let length = name.utf8.count
            return storage.withEntries { entries in
                var index = entries.count
                while index > 0 {
                    index -= 1
                    if entries[index].name.utf8.count == length, entries[index].name == name { return entries[index].value }
                }
                return nil
            }
        }
    }

    /// Every field once, its last value (comparisons, tests).
    var dictionary: [String: TemplateValue] {
        switch kind {
        case .hashed(let fields): fields
        case .scanned(let storage): storage.withEntries { Dictionary($0.map { ($0.name, $0.value) }) { _, last in last } }
        }
    }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.dictionary == rhs.dictionary }
}
