import CarteraCore
@testable import CarteraStore
import CarteraTestSupport
import Foundation
import SQLKit
import Testing

@Suite("PostgreSQL's name words: a subset of the search's matches that counts broad searches")
struct ClientNameWordsTests {
    /// The table's (word, client) pairs, and what the definition gives for every client now.
    static func pairs(_ db: Database) async throws -> (held: Set<String>, defined: Set<String>, strays: Int64) {
        try await db.read { session in
            let held = try await session.rows("SELECT word, client_id FROM client_name_words")
                .map { "\(try $0.string("word"))/\(try $0.int("client_id"))" }
            let defined = try await session.rows("""
                SELECT w AS word, c.id AS client_id FROM clients c, client_name_words(c.name_key) w
                WHERE NOT c.archived
                """).map { "\(try $0.string("word"))/\(try $0.int("client_id"))" }
            // Whatever the definition says: a held pair that is not an active client's search word.
            let strays = try await session.first("""
                SELECT count(*) AS n FROM client_name_words cw LEFT JOIN clients c ON c.id = cw.client_id
                WHERE c.id IS NULL OR c.archived OR NOT (cw.word = ANY (tsvector_to_array(c.search_vector)))
                """)!.int("n")
            #expect(held.count == Set(held).count, "a pair held twice")
            return (Set(held), Set(defined), strays)
        }
    }

    @Test("creating, bulk-inserting, renaming, archiving, restoring and deleting clients keep the words")
    func followsWrites() async throws {
        try await TestDatabase.with { db in
            guard db.kind == .postgres else { return }
            let f = try await Fixture.make(db)
            let uno = try await f.client("Peña Uno S.A.", emails: ["ventas@zapatos.example"])
            var dos = try await f.client("Peña Peñalver", tradeName: "Calzados")
            let bare = try await f.client("Óptica Li")
            let copied = try await db.write { session in
                try await ClientStore.insertRows(session, [ClientRowValues(ClientDraft(legalName: "Peñaloza Hermanos"),
                                                                           definitions: [], audited: false)], at: Date())
            }
            var (held, defined, strays) = try await Self.pairs(db)
            // Legal-name words of three letters or more: not "s", "a", "li", nor the trade name or e-mail.
            #expect(held == ["pena/\(uno.id.rawValue)", "uno/\(uno.id.rawValue)",
                             "pena/\(dos.id.rawValue)", "penalver/\(dos.id.rawValue)",
                             "optica/\(bare.id.rawValue)",
                             "penaloza/\(copied[0].id.rawValue)", "hermanos/\(copied[0].id.rawValue)"])
            #expect(held == defined && strays == 0)

            var draft = dos.draft
            draft.legalName = "Peñalver Dos"
            dos = try await f.stores.clients.update(dos.id, draft, expectedVersion: dos.version, by: f.admin)
            dos = try await f.stores.clients.setArchived(dos.id, true, expectedVersion: dos.version, by: f.admin)
            (held, defined, strays) = try await Self.pairs(db)
            #expect(!held.contains { $0.hasSuffix("/\(dos.id.rawValue)") })
            #expect(held == defined && strays == 0)

            _ = try await f.stores.clients.setArchived(dos.id, false, expectedVersion: dos.version, by: f.admin)
            try await db.write { try await $0.run("DELETE FROM clients WHERE id = \(bind: bare.id.rawValue)") }
            (held, defined, strays) = try await Self.pairs(db)
            #expect(held.contains("penalver/\(dos.id.rawValue)") && held.contains("dos/\(dos.id.rawValue)"))
            #expect(!held.contains("pena/\(dos.id.rawValue)"))
            #expect(!held.contains { $0.hasSuffix("/\(bare.id.rawValue)") })
            #expect(held == defined && strays == 0)
        }
    }

    @Test("a bulk load drops the triggers and fills the words once; index, triggers, a vacuum and planner statistics are there after")
    func bulkLoad() async throws {
        try await TestDatabase.with { db in
            guard db.kind == .postgres else { return }
            let f = try await Fixture.make(db)
            let before = try await f.client("Peña Antes")
            let loaded = try await db.bulkLoad(into: ["clients", ClientNameWords.table]) {
                let ids = try await db.write { session in
                    try await ClientStore.insertRows(session, [ClientRowValues(ClientDraft(legalName: "Peñaloza Durante"),
                                                                               definitions: [], audited: false)], at: Date())
                }
                #expect(try await !Self.pairs(db).held.contains("durante/\(ids[0].id.rawValue)"), "the trigger was not dropped")
                return ids[0].id
            }
            let after = try await f.client("Peña Después")
            let (held, defined, strays) = try await Self.pairs(db)
            #expect(held == defined && strays == 0)
            #expect(held.isSuperset(of: ["antes/\(before.id.rawValue)", "durante/\(loaded.rawValue)", "despues/\(after.id.rawValue)"]))
            let indexes = try await db.read { try await $0.rows("SELECT indexname FROM pg_indexes WHERE tablename = 'client_name_words'") }
            let triggers = try await db.read { try await $0.rows("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'clients_name_words_%'") }
            #expect(indexes.count == 1 && triggers.count == 3)
            let vacuumed = try await db.read {
                try await $0.first("""
                    SELECT count(*) AS n FROM pg_stat_user_tables
                    WHERE relname IN ('clients', 'client_name_words') AND last_vacuum IS NOT NULL
                    """)
            }
            #expect(try vacuumed?.int("n") == 2, "the clients or their name words were not vacuumed after the load")
            let analysed = try await db.read {
                try await $0.first("""
                    SELECT count(DISTINCT tablename) AS n FROM pg_stats
                    WHERE schemaname = current_schema() AND tablename IN ('clients', 'client_name_words')
                    """)
            }
            #expect(try analysed?.int("n") == 2, "the clients or their name words had no planner statistics after the load")
        }
    }

    @Test("a viewer with a scope, or a filter, is counted within it: the name words count everyone")
    func scopedCounts() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let group = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            try await f.client("Peña Uno", group: group)
            for name in ["Peña Dos", "Peña Tres", "Peña Cuatro"] { try await f.client(name) }
            let seller = try await f.user("norte@demo.test", groups: [group])
            let query = ClientQuery(search: "pena", counting: .upTo(1))
            #expect(try await f.stores.clients.list(query, scope: .all).count == .moreThan(1))
            #expect(try await f.stores.clients.list(query, scope: .of(seller)).count == .exactly(1))
            var filtered = query
            filtered.filters = [.clientGroup(group)]
            #expect(try await f.stores.clients.list(filtered, scope: .all).count == .exactly(1))
        }
    }

    @Test("a client with two words of the prefix among the first rows: the count reads on to twice the rows")
    func repeatedClients() async throws {
        try await TestDatabase.with { db in
            guard db.kind == .postgres else { return }
            let f = try await Fixture.make(db)
            // Five rows in the range for four clients; "Peña Peñaloza" has two of them. In the index's
            // order (pena, pena, penaloza, penaloza, penalver) as in the table's (its two words first),
            // the first three rows are two clients.
            for name in ["Peña Peñaloza", "Peña Dos", "Peñaloza Tres", "Peñalver"] { try await f.client(name) }
            let counts = try await db.read { session in
                [try await ClientNameWords.matches(session, prefix: "pena", atLeast: 3),
                 try await ClientNameWords.matches(session, prefix: "pena", atLeast: 10),
                 try await ClientNameWords.matches(session, prefix: "penal", atLeast: 3)]
            }
            #expect(counts == [4, 4, 3])
        }
    }

    @Test("a capped search count is the same with and without the name words, and they answer the broad ones")
    func countsAgree() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            for name in ["Peña Uno", "Peña Dos", "Peña Peñalver", "Peñalver Peñaloza", "Peñaloza Tres", "Zapatos Li"] {
                try await f.client(name)
            }
            try await f.client("Calzados Sur", emails: ["pena@calzados.example"])
            let archived = try await f.client("Peña Archivada")
            _ = try await f.stores.clients.setArchived(archived.id, true, expectedVersion: archived.version, by: f.admin)
            try await db.read { session in
                let predicate = ClientStore.conditions(session, ClientQuery(), .all)
                    .map { "(\($0))" as SQLQueryString }.joined(separator: " AND ")
                for word in ["p", "pe", "pena", "penal", "penaloza", "calzados", "li", "zzz"] {
                    for cap in [0, 1, 2, 3, 4, 5, 6, 100] {
                        let search = SearchQuery.words([word])
                        let fast = try await ClientStore.count(session, search, .active, predicate, .upTo(cap), archivedOnly: true)
                        let full = try await ClientStore.count(session, search, .active, predicate, .upTo(cap))
                        #expect(fast == full, "\(word), cap \(cap)")
                    }
                }
                #expect(try await ClientStore.count(session, .words(["pena"]), .active, predicate, .upTo(10)) == .exactly(6))
                if session.kind == .postgres {
                    // Five clients have a legal-name word starting "pena"; the e-mail's and the archived one's are not there.
                    #expect(try await ClientNameWords.matches(session, prefix: "pena", atLeast: 10) == 5)
                    #expect(try await ClientNameWords.matches(session, prefix: "penaloza", atLeast: 10) == 2)
                    // Any rows of the range will do, in whatever order the plan reads them: two clients surely found.
                    #expect(try await ClientNameWords.matches(session, prefix: "pena", atLeast: 2)! >= 2)
                } else {
                    #expect(try await ClientNameWords.matches(session, prefix: "pena", atLeast: 10) == nil)
                }
            }
        }
    }
}
