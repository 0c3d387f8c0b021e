import CarteraCore
@testable import CarteraStore
import CarteraTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Demo clients, loaded in bulk")
struct DemoClientsTests {
    /// Past two transactions and a part block, so the next transaction made while one is written shows.
    static let clients = DemoGenerator.transactionSize + DemoGenerator.blockSize / 2 + 3

    @Test("every client with its audit event, contacts, and three in four with a last visit that is their latest finished order")
    func loaded() async throws {
        try await TestDatabase.with { db in
            let indexes = try await Self.indexes(db)
            let stores = Stores(database: db, clock: .fixed(Fixture.now))
            let summary = try await DemoGenerator(stores: stores, clock: .fixed(Fixture.now))
                .generate(clients: Self.clients, adminPasswordHash: "x")
            func count(_ sql: SQLQueryString) async throws -> Int64 { try await db.read { try await $0.first(sql)!.int("n") } }
            // Leads the demo signs later become clients too, made by the admin.
            #expect(try await count("""
                SELECT count(*) AS n FROM audit_events WHERE entity = 'client' AND action = 'create' AND user_id IS NULL
                """) == Int64(Self.clients))
            #expect(try await count("SELECT count(DISTINCT client_number) AS n FROM clients")
                    == (try await count("SELECT count(*) AS n FROM clients")))
            #expect(try await count("SELECT count(*) AS n FROM contacts") == Int64(summary.contacts))
            #expect(summary.contacts > Self.clients / 2 && summary.contacts < Self.clients * 3 / 4)
            let visits = try await count("""
                SELECT count(*) AS n FROM work_orders WHERE description = \(bind: DemoGenerator.visitDescription) AND finished_at IS NOT NULL
                """)
            #expect(visits == Int64(Self.clients - Self.clients / 4))
            let last = try await db.read { session in
                Dictionary(uniqueKeysWithValues: try await session.rows("SELECT id, last_visit_at FROM clients").map {
                    (try $0.int("id"), try $0.optInstant("last_visit_at"))
                })
            }
            let latest = try await db.read { session in
                Dictionary(uniqueKeysWithValues: try await session.rows("""
                    SELECT client_id, MAX(finished_at) AS at FROM work_orders WHERE finished_at IS NOT NULL GROUP BY client_id
                    """).map { (try $0.int("client_id"), try $0.optInstant("at")) })
            }
            // A form saved at a client is a visit too, recorded when saved.
            let withForms = try await db.read { session in
                Set(try await session.rows("SELECT DISTINCT client_id FROM forms").map { try $0.int("client_id") })
            }
            #expect(last.values.filter { $0 != nil }.count == latest.count)
            #expect(latest.allSatisfy { withForms.contains($0.key) ? last[$0.key]!! >= $0.value! : last[$0.key] == $0.value })
            // The indexes, search triggers and (PostgreSQL) foreign keys dropped for the load are all back,
            // the keys checked over the loaded rows.
            #expect(try await Self.indexes(db) == indexes)
            let adminUser = try #require(try await stores.users.user(email: DemoGenerator.adminEmail))
            let admin = try #require(try await stores.users.viewer(adminUser.id))
            // The work orders' word index was rebuilt over the loaded visits.
            let found = try await stores.workOrders.list(WorkOrderQuery(concept: "prevent", limit: 500), by: admin)
            #expect(found.count == 500)
        }
    }

    @Test("a bulk load whose rows break a foreign key fails, with its indexes rebuilt and the key back in force")
    func brokenKey() async throws {
        try await TestDatabase.with { db in
            let before = try await Self.indexes(db)
            await #expect(throws: (any Error).self) {
                try await db.bulkLoad(into: ["audit_events"]) {
                    try await db.write { try await Self.auditEvent($0, by: 999999) }
                }
            }
            let after = try await Self.indexes(db)
            switch db.kind {
            case .sqlite:
                // SQLite keeps its keys through a load: the row was refused as it came.
                #expect(after == before)
            case .postgres:
                // The key is back, though the row already loaded has not passed it; new rows must.
                #expect(after == before.map { $0.hasPrefix("audit_events_user_id_fkey:") ?
                    $0.replacingOccurrences(of: "fkey:", with: "fkey (not checked):") + " NOT VALID" : $0 })
                await #expect(throws: (any Error).self) {
                    try await db.write { try await Self.auditEvent($0, by: 999998) }
                }
            }
        }
    }

    /// An audit event by a user who may not exist.
    static func auditEvent(_ session: Session, by userID: Int64) async throws {
        try await AuditLog.record(session, at: Date(), userID: User.ID(userID), entity: "client", entityID: 1, clientID: nil,
                                  action: "test", changes: [])
    }

    static func indexes(_ db: Database) async throws -> [String] {
        try await db.read { session in
            switch session.kind {
            case .sqlite:
                try await session.rows("""
                    SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name IN (\(binds: DemoGenerator.bulkTables))
                    ORDER BY name
                    """).map { try $0.string("name") }
            case .postgres:
                try await session.rows("""
                    SELECT indexname::text AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN (\(binds: DemoGenerator.bulkTables))
                    UNION ALL
                    SELECT k.conname || CASE WHEN k.convalidated THEN '' ELSE ' (not checked)' END || ': ' || pg_get_constraintdef(k.oid)
                    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
                    WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace AND c.relname IN (\(binds: DemoGenerator.bulkTables))
                    ORDER BY name
                    """).map { try $0.string("name") }
            }
        }
    }
}
