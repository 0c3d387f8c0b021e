import CarteraCore
@testable import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

/// A session's idle clock and a token's "last used" are written once when many requests find them due at once.
struct LastSeenTouchTests {
    private static let requests = 16

    @Test("sixteen requests at once of a session a minute idle write its clock once, and it moves")
    func sessionTouchedOnce() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let (token, _) = try await f.stores.sessions.start(userID: f.admin.id)
            try await Self.countUpdates(db)
            let now = Fixture.now.addingTimeInterval(120)
            let later = SessionStore(database: db, clock: .fixed(now))
            #expect(try await AtOnce.count(Self.requests) { try await later.resume(token: token) != nil } == Self.requests)
            #expect(try await Self.updates(db, "sessions") == 1)
            let seen = try await db.read { try await $0.first("SELECT last_seen_at FROM sessions")!.instant("last_seen_at") }
            #expect(abs(seen.timeIntervalSince(now)) < 0.001)
        }
    }

    @Test("sixteen calls at once with a token an hour unused write its last use once")
    func tokenTouchedOnce() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let (_, secret) = try await f.stores.tokens.create(userID: f.admin.id, name: "ERP")
            #expect(try await f.stores.tokens.authenticate(secret) == f.admin.id)
            try await Self.countUpdates(db)
            let later = TokenStore(database: db, clock: .fixed(Fixture.now.addingTimeInterval(2 * 3600)))
            #expect(try await AtOnce.count(Self.requests) { try await later.authenticate(secret) == f.admin.id } == Self.requests)
            #expect(try await Self.updates(db, "api_tokens") == 1)
        }
    }

    /// Notes every row updated in `sessions` and `api_tokens` from now on.
    private static func countUpdates(_ db: Database) async throws {
        try await db.write { session in
            try await session.run("CREATE TABLE touched (table_name TEXT NOT NULL)")
            switch session.kind {
            case .sqlite:
                for table in ["sessions", "api_tokens"] {
                    try await session.run("""
                        CREATE TRIGGER \(unsafeRaw: table)_touched AFTER UPDATE ON \(unsafeRaw: table)
                        BEGIN INSERT INTO touched VALUES ('\(unsafeRaw: table)'); END
                        """)
                }
            case .postgres:
                try await session.run("""
                    CREATE FUNCTION note_touch() RETURNS trigger LANGUAGE plpgsql
                    AS $$ BEGIN INSERT INTO touched VALUES (TG_TABLE_NAME); RETURN NEW; END $$
                    """)
                for table in ["sessions", "api_tokens"] {
                    try await session.run("""
                        CREATE TRIGGER \(unsafeRaw: table)_touched AFTER UPDATE ON \(unsafeRaw: table)
                        FOR EACH ROW EXECUTE FUNCTION note_touch()
                        """)
                }
            }
        }
    }

    private static func updates(_ db: Database, _ table: String) async throws -> Int64 {
        try await db.read { try await $0.first("SELECT COUNT(*) AS n FROM touched WHERE table_name = \(bind: table)")!.int("n") }
    }
}
