import CarteraCore
@testable import CarteraStore
import CarteraTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Migration 36: rows written with their client, without a reference to it")
struct ClientRowsMigrationTests {
    static let tables = ["client_phone_tails", "client_email_keys", "import_changes"]

    @Test("applied, no reference to clients is left; run again over kept rows, it keeps every one, and new rows still land")
    func rowsKept() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let uno = try await f.client("Uno SA", phones: ["+54 11 4000-1111", "+54 11 4000-2222"], emails: ["Ventas@Uno.example"])
            _ = try await f.client("Dos SA", phones: ["4000-1111"], emails: ["compras@dos.example"])
            try await db.write { session in
                let importID = try await session.first("""
                    INSERT INTO imports (user_id, at, entity, file_name)
                    VALUES (\(bind: f.admin.id.rawValue), \(session.instant(Date())), 'client', 'clientes.xlsx') RETURNING id
                    """)!.int("id")
                try await session.run("""
                    INSERT INTO import_changes (import_id, client_id, before_draft, after_version)
                    VALUES (\(bind: importID), \(bind: uno.id.rawValue), NULL, 1)
                    """)
            }
            let before = try await Self.rows(db)
            #expect(before.count == 6)
            #expect(try await Self.references(db) == ["import_changes → imports"])
            try await db.write { session in
                for statement in Migration036.migration.statements(session.kind) {
                    try await session.run(SQLQueryString(statement))
                }
            }
            #expect(try await Self.rows(db) == before)
            #expect(try await Self.references(db) == ["import_changes → imports"])
            _ = try await f.client("Tres SA", phones: ["11 4000 3333"], emails: ["tres@tres.example"])
            #expect(try await Self.rows(db).count == 8)
        }
    }

    /// Every phone tail, e-mail key and revert record with its client, in order.
    static func rows(_ db: Database) async throws -> [String] {
        try await db.read { session in
            try await session.rows("""
                SELECT 'tail ' || tail || ' ' || CAST(client_id AS TEXT) AS k FROM client_phone_tails
                UNION ALL
                SELECT 'email ' || email_key || ' ' || CAST(client_id AS TEXT) AS k FROM client_email_keys
                UNION ALL
                SELECT 'change ' || CAST(import_id AS TEXT) || ' ' || CAST(client_id AS TEXT) || ' '
                    || CAST(after_version AS TEXT) AS k FROM import_changes
                ORDER BY k
                """).map { try $0.string("k") }
        }
    }

    /// The references the three tables still hold, as "table → referenced table".
    static func references(_ db: Database) async throws -> [String] {
        try await db.read { session in
            switch session.kind {
            case .sqlite:
                var found: [String] = []
                for table in tables {
                    found += try await session.rows("SELECT \"table\" AS parent FROM pragma_foreign_key_list(\(bind: table))")
                        .map { "\(table) → \(try $0.string("parent"))" }
                }
                return found
            case .postgres:
                return try await session.rows("""
                    SELECT conrelid::regclass::text || ' → ' || confrelid::regclass::text AS k FROM pg_constraint
                    WHERE contype = 'f' AND conrelid::regclass::text IN (\(binds: tables)) ORDER BY k
                    """).map { try $0.string("k") }
            }
        }
    }
}
