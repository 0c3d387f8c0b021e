import CarteraCore
@testable import CarteraStore
import CarteraTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Migration 36: the lookup keys without a reference to their client")
struct LookupKeysMigrationTests {
    @Test("applied, no reference is left; run again over kept keys, it keeps every one, and new keys still land")
    func keysKept() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            _ = try await f.client("Uno SA", phones: ["+54 11 4000-1111", "+54 11 4000-2222"], emails: ["Ventas@Uno.example"])
            _ = try await f.client("Dos SA", phones: ["4000-1111"], emails: ["compras@dos.example"])
            let before = try await Self.keys(db)
            #expect(before.count == 5)
            #expect(try await Self.references(db) == 0)
            try await db.write { session in
                for statement in Migration036.migration.statements(session.kind) {
                    try await session.run(SQLQueryString(statement))
                }
            }
            #expect(try await Self.keys(db) == before)
            #expect(try await Self.references(db) == 0)
            _ = try await f.client("Tres SA", phones: ["11 4000 3333"], emails: ["tres@tres.example"])
            #expect(try await Self.keys(db).count == 7)
        }
    }

    /// Every phone tail and e-mail key with its client, in order.
    static func keys(_ db: Database) async throws -> [String] {
        try await db.read { session in
            try await session.rows("""
                SELECT 'tail ' || tail || ' ' || CAST(client_id AS TEXT) AS k FROM client_phone_tails
                UNION ALL
                SELECT 'email ' || email_key || ' ' || CAST(client_id AS TEXT) AS k FROM client_email_keys
                ORDER BY k
                """).map { try $0.string("k") }
        }
    }

    /// Foreign keys the two tables still hold.
    static func references(_ db: Database) async throws -> Int64 {
        try await db.read { session in
            switch session.kind {
            case .sqlite:
                try await session.first("""
                    SELECT (SELECT COUNT(*) FROM pragma_foreign_key_list('client_phone_tails'))
                         + (SELECT COUNT(*) FROM pragma_foreign_key_list('client_email_keys')) AS n
                    """)!.int("n")
            case .postgres:
                try await session.first("""
                    SELECT COUNT(*) AS n FROM pg_constraint
                    WHERE contype = 'f' AND conrelid IN ('client_phone_tails'::regclass, 'client_email_keys'::regclass)
                    """)!.int("n")
            }
        }
    }
}
