import CarteraCore
@testable import CarteraStore
import CarteraTestSupport
import Foundation
import Logging
import SQLKit
import Testing

@Suite("Moving a company from SQLite to PostgreSQL")
struct DatabaseCopyTests {
    @Test("every row arrives with its types, references to later rows included; new rows continue the numbering",
          .enabled(if: TestDatabase.postgresURL != nil, "needs CARTERA_TEST_POSTGRES_URL"))
    func copiesEverything() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString).sqlite").path
        var logger = Logger(label: "cartera.test")
        logger.logLevel = .warning
        let source = try Database.open(url: "sqlite://\(path)", logger: logger)
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            try await copyAndCompare(source)
        } catch {
            try? await source.shutdown()
            throw error
        }
        try await source.shutdown()
    }

    func copyAndCompare(_ source: Database) async throws {
        try await Migrator(database: source).migrate()
        let sourceStores = Stores(database: source)
        _ = try await DemoGenerator(stores: sourceStores).generate(clients: 300, adminPasswordHash: "x")
        // A manager with a higher id than the person managed: filled in after the table.
        try await source.execute(unsafe: """
            UPDATE users SET manager_id = (SELECT MAX(id) FROM users) WHERE email = 'agente1.buenosaires@demo.cartera'
            """)
        try await source.execute(unsafe: "UPDATE clients SET archived = 1 WHERE id = 7")
        try await TestDatabase.with { target in
            let copier = DatabaseCopy(from: source, to: target)
            let copied = try await copier.run()
            let tables = try await target.read { try await DatabaseCopy.targetTables($0) }.keys.sorted()
            var sum = 0
            for table in tables {
                // PostgreSQL's own tables (the name words) are filled by its triggers, not copied.
                guard try await !copier.sourceColumns(table).isEmpty else { continue }
                let query = "SELECT COUNT(*) AS n FROM \(table)"
                let here = try await source.read { try await $0.first(SQLQueryString(query))!.int("n") }
                let there = try await target.read { try await $0.first(SQLQueryString(query))!.int("n") }
                #expect(here == there, "\(table)")
                sum += Int(there)
            }
            #expect(copied == sum && copied > 300)
            let settled = try await target.read {
                try await $0.first("""
                    SELECT count(*) AS n FROM pg_stat_user_tables s
                    WHERE s.relname IN ('clients', 'work_orders') AND s.last_vacuum IS NOT NULL
                        AND EXISTS (SELECT 1 FROM pg_stats p WHERE p.schemaname = s.schemaname AND p.tablename = s.relname)
                    """)
            }
            #expect(try settled?.int("n") == 2, "the copied tables were not vacuumed and analysed")
            let words = try await ClientNameWordsTests.pairs(target)
            #expect(words.held.count > 300 && words.held == words.defined && words.strays == 0)
            let targetStores = Stores(database: target)
            let query = ClientQuery(sort: .name, archived: .all, limit: 500)
            let before = try await sourceStores.clients.list(query, scope: .all).clients
            let after = try await targetStores.clients.list(query, scope: .all).clients
            // Instants compared to the millisecond SQLite keeps (PostgreSQL's microseconds round-trip through Double).
            func key(_ c: Client) -> String {
                "\(c.id) \(c.clientNumber) \(c.archived) \(c.version) \(c.createdAt.epochMilliseconds) \(c.updatedAt.epochMilliseconds)"
            }
            #expect(after.map(key) == before.map(key) && after.map(\.draft) == before.map(\.draft))
            #expect(after.contains { $0.archived } && after.count > 300)
            let agent = try #require(try await targetStores.users.user(email: "agente1.buenosaires@demo.cartera"))
            let last = try await target.read { try await $0.first("SELECT MAX(id) AS id FROM users")!.int("id") }
            #expect(agent.managerID?.rawValue == last)
            let adminUser = try #require(try await targetStores.users.user(email: DemoGenerator.adminEmail))
            let admin = try #require(try await targetStores.users.viewer(adminUser.id))
            let created = try await targetStores.clients.create(ClientDraft(legalName: "Después de la copia"), by: admin)
            #expect(created.clientNumber == (before.map(\.clientNumber).max() ?? 0) + 1)
            #expect(created.id.rawValue > (before.map(\.id.rawValue).max() ?? 0))
            // Search works on the copy: PostgreSQL indexes the copied words itself.
            #expect(try await targetStores.clients.list(ClientQuery(search: "despues copia"), scope: .all).clients.map(\.id) == [created.id])
            await #expect(throws: DatabaseCopy.CopyError.self) { try await DatabaseCopy(from: source, to: target).run() }
        }
    }
}
