import SQLKit

/// Consecutive human keys (client number, contact key), allocated in the
/// inserting transaction so a rolled-back insert leaves no gap and no key is reused.
enum Counters {
    static func next(_ session: Session, _ kind: String) async throws -> Int64 {
        guard let row = try await session.first("""
            UPDATE counters SET last_value = last_value + 1 WHERE kind = \(bind: kind) RETURNING last_value
            """) else { throw CounterMissing(kind: kind) }
        return try row.int("last_value")
    }

    struct CounterMissing: Error { let kind: String }
}
