import CarteraCore
@testable import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Rows inserted in bulk")
struct RowInsertTests {
    @Test("more rows than one statement holds all go in, with their values, and RETURNING reports each")
    func blocks() async throws {
        try await TestDatabase.with { db in
            let count = 1_234
            let returned = try await db.write { session in
                let at = session.instantValue(Fixture.now)
                let rows: [[BoundValue]] = (0..<count).map { n in
                    [at, Optional<Int64>.none, "probe", Int64(n), n % 2 == 0 ? Int64(n) : Optional<Int64>.none, "made", "[\(n)]"]
                }
                return try await session.insert(into: "audit_events", columns: ["at", "user_id", "entity", "entity_id", "client_id",
                                                                                 "action", "changes"],
                                                rows: rows, returning: "entity_id").map { try $0.int("entity_id") }
            }
            #expect(returned.sorted() == (0..<Int64(count)).map { $0 })
            let stored = try await db.read { session in
                try await session.rows("""
                    SELECT entity_id, client_id, changes, at FROM audit_events WHERE entity = 'probe' ORDER BY entity_id
                    """).map { (try $0.int("entity_id"), try $0.optInt("client_id"), try $0.string("changes"), try $0.instant("at")) }
            }
            #expect(stored.count == count)
            #expect(stored.allSatisfy { $0.1 == ($0.0 % 2 == 0 ? $0.0 : nil) && $0.2 == "[\($0.0)]" && $0.3 == Fixture.now })
        }
    }

    @Test("a bigger page cache for one transaction is put back afterwards, also when it fails")
    func pageCache() async throws {
        struct Refused: Error {}
        try await TestDatabase.with { db in
            guard db.kind == .sqlite else { return }
            try await db.write { session in
                func cacheSize() async throws -> Int64 { try await session.first("PRAGMA cache_size")!.int("cache_size") }
                let inside = try await session.withPageCache(megabytes: 64) { try await cacheSize() }
                #expect(inside == -65_536)
                #expect(try await cacheSize() == Int64(SQLiteHandle.cacheSize))
                await #expect(throws: Refused.self) {
                    try await session.withPageCache(megabytes: 64) { () async throws -> Void in throw Refused() }
                }
                #expect(try await cacheSize() == Int64(SQLiteHandle.cacheSize))
            }
        }
    }
}
