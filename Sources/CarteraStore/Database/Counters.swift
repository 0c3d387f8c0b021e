import SQLKit

/// Consecutive human keys (client number, contact key), allocated in the
/// inserting transaction so a rolled-back insert leaves no gap and no key is reused.
enum Counters {
    static func next(_ session: Session, _ kind: String) async throws -> Int64 {
        try await reserve(session, kind, 1).lowerBound
    }

    /// `count` consecutive keys at once, for rows written in one statement.
    static func reserve(_ session: Session, _ kind: String, _ count: Int) async throws -> ClosedRange<Int64> {
        guard let row = try await session.first("""
            UPDATE counters SET last_value = last_value + \(bind: count) WHERE kind = \(bind: kind) RETURNING last_value
            """) else { throw CounterMissing(kind: kind) }
        let last = try row.int("last_value")
        return last - Int64(count) + 1...last
    }

    struct CounterMissing: Error { let kind: String }
}
