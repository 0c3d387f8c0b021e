import CarteraCore
@testable import CarteraStore
import CarteraTestSupport
import SQLKit
import Testing

@Suite("The clients' word index, active and archived apart")
struct ClientWordIndexTests {
    /// The names a search finds, ranked (`sortedUpTo` above the matches) or newest first (below).
    static func names(_ f: Fixture, _ search: String, _ archived: ClientQuery.Archived, broad: Bool) async throws -> Set<String> {
        var query = ClientQuery(search: search, archived: archived, counting: .upTo(10))
        query.sortedUpTo = broad ? 0 : 100
        let page = try await f.stores.clients.list(query, scope: .all)
        #expect(page.newestFirst == (broad && !page.clients.isEmpty))
        return Set(page.clients.map(\.draft.legalName))
    }

    @Test("archiving, editing while archived and restoring move a client's words between the archived choices")
    func followsArchiving() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            try await f.client("Peña Uno")
            var dos = try await f.client("Peña Dos")
            dos = try await f.stores.clients.setArchived(dos.id, true, expectedVersion: dos.version, by: f.admin)
            for broad in [false, true] {
                #expect(try await Self.names(f, "pena", .active, broad: broad) == ["Peña Uno"])
                #expect(try await Self.names(f, "pena", .archived, broad: broad) == ["Peña Dos"])
                #expect(try await Self.names(f, "pena", .all, broad: broad) == ["Peña Uno", "Peña Dos"])
            }
            var draft = dos.draft
            draft.legalName = "Peña Doce"
            dos = try await f.stores.clients.update(dos.id, draft, expectedVersion: dos.version, by: f.admin)
            #expect(try await Self.names(f, "doce", .archived, broad: false) == ["Peña Doce"])
            #expect(try await Self.names(f, "dos", .archived, broad: false).isEmpty)
            #expect(try await Self.names(f, "doce", .active, broad: false).isEmpty)
            _ = try await f.stores.clients.setArchived(dos.id, false, expectedVersion: dos.version, by: f.admin)
            #expect(try await Self.names(f, "doce", .active, broad: true) == ["Peña Doce"])
            #expect(try await Self.names(f, "pena", .archived, broad: false).isEmpty)
            // Digits searches read the words too.
            let numbered = try await f.client("Peña 4455")
            _ = try await f.stores.clients.setArchived(numbered.id, true, expectedVersion: numbered.version, by: f.admin)
            #expect(try await Self.names(f, "4455", .active, broad: false).isEmpty)
            #expect(try await Self.names(f, "4455", .archived, broad: false) == ["Peña 4455"])
        }
    }

    @Test("a bulk load refills each word table with its own clients, not the whole table")
    func bulkLoadRefills() async throws {
        try await TestDatabase.with { db in
            guard db.kind == .sqlite else { return }
            let f = try await Fixture.make(db)
            for name in ["Peña Uno", "Peña Dos", "Peña Tres"] { try await f.client(name) }
            let archived = try await f.client("Peña Cuatro")
            _ = try await f.stores.clients.setArchived(archived.id, true, expectedVersion: archived.version, by: f.admin)
            try await db.bulkLoad(into: ["clients"]) {}
            func indexed(_ table: String) async throws -> Int64 {
                try await db.read { try await $0.first("SELECT count(*) AS n FROM \(unsafeRaw: table)_docsize")!.int("n") }
            }
            #expect(try await indexed(ClientWordIndex.active) == 3)
            #expect(try await indexed(ClientWordIndex.archived) == 1)
            #expect(try await Self.names(f, "pena", .archived, broad: true) == ["Peña Cuatro"])
            // The refill's larger batches of pending words are not kept for everyday writes.
            for table in [ClientWordIndex.active, ClientWordIndex.archived, "client_digits"] {
                let setting = try await db.read { try await $0.first("SELECT v FROM \(unsafeRaw: table)_config WHERE k = 'hashsize'") }
                #expect(try setting?.int("v") == Int64(Database.defaultPendingWords))
            }
            // The triggers are back: a new client is found.
            try await f.client("Peña Cinco")
            #expect(try await Self.names(f, "cinco", .active, broad: false) == ["Peña Cinco"])
        }
    }
}
