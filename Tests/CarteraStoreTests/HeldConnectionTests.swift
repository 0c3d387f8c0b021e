@testable import CarteraStore
import CarteraTestSupport
import NIOCore
import Testing

/// A bounded page's statements on one PostgreSQL connection (`HeldConnection`).
@Suite("A bounded page holds one PostgreSQL connection",
       .enabled(if: TestDatabase.postgresURL != nil, "needs CARTERA_TEST_POSTGRES_URL"))
struct HeldConnectionTests {
    static func backend(_ db: Database) async throws -> Int64 {
        try await db.read { try await $0.first("SELECT pg_backend_pid() AS pid")!.int("pid") }
    }

    @Test("reads, a write and statements started together share the page's connection")
    func shared() async throws {
        try await TestDatabase.with { db in
            try await Database.readingInline {
                let first = try await Self.backend(db)
                let written = try await db.write { session in
                    try await session.run("CREATE TEMPORARY TABLE held (n INTEGER)")
                    return try await session.first("SELECT pg_backend_pid() AS pid")!.int("pid")
                }
                async let one = Self.backend(db)
                async let two = Self.backend(db)
                #expect(try await [written, one, two] == [first, first, first])
                // A temporary table is its connection's own: the page's next read finds it.
                #expect(try await db.read { try await $0.first("SELECT COUNT(*) AS n FROM held")!.int("n") } == 0)
            }
        }
    }

    @Test("the connection goes back to the pool when the page ends, failed or not")
    func givenBack() async throws {
        try await TestDatabase.with { db in
            // Three times the pool's connections: a page that kept its connection would exhaust it.
            let pages = 3 * db.pool.capacity
            for page in 0..<pages {
                do {
                    try await Database.readingInline {
                        _ = try await Self.backend(db)
                        if page.isMultiple(of: 2) { throw StoreError.notFound }
                    }
                } catch StoreError.notFound {}
            }
            #expect(try await Self.backend(db) > 0)
        }
    }

    @Test("another database's statements in the page lend their own connections")
    func otherDatabase() async throws {
        try await TestDatabase.with { db in
            try await TestDatabase.with { other in
                try await Database.readingInline {
                    let held = try await Self.backend(db)
                    #expect(try await Self.backend(other) != held)
                    #expect(try await Self.backend(db) == held)
                }
            }
        }
    }
}
