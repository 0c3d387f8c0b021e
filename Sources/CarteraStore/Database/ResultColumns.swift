import Synchronization

/// The column names of one result, shared by its rows, and where each name is: for
/// `SQLiteHandle`'s rows and for PostgreSQL's kept statements' (`PostgresResultRow`).
final class ResultColumns: Sendable {
    /// Which of two columns with one name a lookup finds: SQLite's `row[name]` reads the first,
    /// PostgresNIO's table of names (which PostgreSQL's other decoding goes through) the last.
    enum Repeated { case first, last }

    let names: [String]
    /// Open addressing over `names` by `hash`: each slot holds an offset + 1, 0 when empty.
    /// A page of 50 clients looks up 1,350 names; `Dictionary`'s seeded SipHash made that a
    /// twentieth of SQLite's client list's CPU, and 3.7 % of Cartera's on PostgreSQL's search.
    private let slots: [Int32]
    /// The offset found last. Rows are mostly read in the statement's order, so the next
    /// name is most often the next column: one comparison instead of hashing the name (the
    /// hashing was 2.5 % of the list's CPU). Only a guess; a stale one costs the lookup.
    private let last = Atomic<Int>(-1)
    /// Whether each column is the one of its name that `offset(of:)` finds.
    private let isFound: [Bool]

    init(_ names: [String], keeping repeated: Repeated) {
        self.names = names
        var size = 8
        while size < names.count * 2 { size <<= 1 }
        var slots = [Int32](repeating: 0, count: size)
        var isFound = [Bool](repeating: false, count: names.count)
        for (offset, name) in names.enumerated() {
            var slot = Self.hash(name) & (size - 1)
            while slots[slot] != 0, names[Int(slots[slot]) - 1] != name { slot = (slot + 1) & (size - 1) }
            if slots[slot] == 0 {
                slots[slot] = Int32(offset + 1)
                isFound[offset] = true
            } else if repeated == .last {
                isFound[Int(slots[slot]) - 1] = false
                slots[slot] = Int32(offset + 1)
                isFound[offset] = true
            }
        }
        self.slots = slots
        self.isFound = isFound
    }

    /// The column named `name` (of several, the one `Repeated` says).
    func offset(of name: String) -> Int? {
        let next = last.load(ordering: .relaxed) + 1
        if next < names.count, isFound[next], names[next] == name {
            last.store(next, ordering: .relaxed)
            return next
        }
        var slot = Self.hash(name) & (slots.count - 1)
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if names[entry - 1] == name {
                last.store(entry - 1, ordering: .relaxed)
                return entry - 1
            }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    /// FNV-1a over the name's bytes (names come from our own statements, never from users).
    static func hash(_ name: String) -> Int {
        var name = name  // `withUTF8` reads a short name from the stack, without decoding it byte by byte
        return name.withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return Int(truncatingIfNeeded: hash)
        }
    }
}
