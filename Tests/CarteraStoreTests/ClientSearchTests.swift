import CarteraCore
import CarteraStore
import CarteraTestSupport
import Testing

@Suite("Quick search finds clients the way people type")
struct ClientSearchTests {
    func names(_ f: Fixture, _ query: String, scope: ClientScope = .all) async throws -> [String] {
        try await f.stores.clients.list(ClientQuery(search: query), scope: scope).clients.map(\.draft.legalName)
    }

    @Test("accents, case and punctuation do not matter; word prefixes match")
    func accentsAndPrefixes() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            try await f.client("José Peña e Hijos S.A.")
            try await f.client("Pereyra Hnos.")
            try await f.client("Ñandú Logística SRL", tradeName: "Ñandú")
            #expect(try await names(f, "jose pena") == ["José Peña e Hijos S.A."])
            #expect(try await names(f, "JOSÉ   PEÑA!") == ["José Peña e Hijos S.A."])
            #expect(try await names(f, "pen") == ["José Peña e Hijos S.A."])
            #expect(Set(try await names(f, "pe")) == ["José Peña e Hijos S.A.", "Pereyra Hnos."])
            #expect(try await names(f, "nandu logis") == ["Ñandú Logística SRL"])
            #expect(try await names(f, "pena pereyra").isEmpty)
        }
    }

    @Test("four or more digits find phones and tax ids whatever their format")
    func digitSubstrings() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            try await f.client("Teléfono SA", phones: ["+54 9 11 5555-1234"])
            try await f.client("Fiscal SRL", taxID: "20-12345678-3", taxIDKind: .cuit)
            try await f.client("Otro", phones: ["011 4444 0000"])
            #expect(try await names(f, "1155551234") == ["Teléfono SA"])
            #expect(try await names(f, "5555-1234") == ["Teléfono SA"])
            // A DNI finds the CUIT that contains it.
            #expect(try await names(f, "12345678") == ["Fiscal SRL"])
            #expect(try await names(f, "9999").isEmpty)
        }
    }

    @Test("the client number and e-mails are searchable; results are ranked and scoped")
    func numberEmailsAndScope() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let group = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let first = try await f.client("Alfa", group: group, emails: ["compras@alfa.com.ar"])
            try await f.client("Beta")
            #expect(try await names(f, "compras") == ["Alfa"])
            #expect(try await names(f, String(first.clientNumber)).contains("Alfa"))
            let seller = try await f.user("norte@demo.test", groups: [group])
            #expect(try await names(f, "beta", scope: .of(seller)).isEmpty)
            #expect(try await names(f, "alfa", scope: .of(seller)) == ["Alfa"])
        }
    }

    @Test("text custom fields feed the search")
    func customFieldsSearchable() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            _ = try await f.stores.catalogues.createCustomField(labelES: "Rubro", labelEN: "Industry", type: .text,
                                                               required: false, showInList: true, choices: [], by: nil)
            try await f.client("Gamma", customFields: ["rubro": .text("Ferretería industrial")])
            #expect(try await names(f, "ferreteria") == ["Gamma"])
        }
    }

    @Test("a broad search shows the newest matches instead of ranking them all, within the scope")
    func broadSearchNewestFirst() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let group = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            try await f.client("Peña Uno", group: group)
            try await f.client("Peña Dos")
            try await f.client("Peña Tres", group: group)
            try await f.client("Peña Cuatro", group: group)
            try await f.client("Otro", group: group)
            var query = ClientQuery(search: "pena", limit: 2, counting: .upTo(3))
            query.sortedUpTo = 3
            let first = try await f.stores.clients.list(query, scope: .all)
            #expect(first.newestFirst && first.count == .moreThan(3) && first.hasMore)
            #expect(first.clients.map(\.draft.legalName) == ["Peña Cuatro", "Peña Tres"])
            query.page = .offset(2)
            #expect(try await f.stores.clients.list(query, scope: .all).clients.map(\.draft.legalName) == ["Peña Dos", "Peña Uno"])
            query.counting = .all
            #expect(try await f.stores.clients.list(query, scope: .all).count == .exactly(4))
            // The count cap below the ranking limit does not decide alone: a probe does.
            query.counting = .upTo(1)
            query.page = .offset(0)
            #expect(try await f.stores.clients.list(query, scope: .all).newestFirst)
            // A seller of the group sees three matches: ranked again, by name at equal relevance.
            let seller = try await f.user("norte@demo.test", groups: [group])
            query.counting = .upTo(10)
            query.limit = 10
            let theirs = try await f.stores.clients.list(query, scope: .of(seller))
            #expect(!theirs.newestFirst && theirs.count == .exactly(3))
            #expect(Set(theirs.clients.map(\.draft.legalName)) == ["Peña Uno", "Peña Tres", "Peña Cuatro"])
        }
    }

    @Test("a quick search counted up to a cap gives the pages and counts of counting everything")
    func cappedCountMatchesFullCount() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let group = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            for n in 1...7 {
                let client = try await f.client("Peña \(n)", group: n % 2 == 0 ? nil : group)
                if n % 3 == 0 { _ = try await f.stores.clients.setArchived(client.id, true, expectedVersion: client.version, by: f.admin) }
            }
            try await f.client("Otro", group: group)
            let seller = try await f.user("norte@demo.test", groups: [group])
            for archived in ClientQuery.Archived.allCases {
                for scope in [ClientScope.all, .of(seller)] {
                    for sortedUpTo in [1, 3, 10] {
                        for offset in [0, 2, 4] {
                            var query = ClientQuery(search: "pena", archived: archived, limit: 2, page: .offset(offset), counting: .upTo(10))
                            query.sortedUpTo = sortedUpTo
                            let capped = try await f.stores.clients.list(query, scope: scope)
                            query.counting = .all
                            let counted = try await f.stores.clients.list(query, scope: scope)
                            let context = "\(archived) \(scope) \(sortedUpTo) \(offset)"
                            #expect(capped.clients.map(\.id) == counted.clients.map(\.id), "\(context)")
                            #expect(capped.count == counted.count && capped.hasMore == counted.hasMore, "\(context)")
                            #expect(capped.newestFirst == counted.newestFirst, "\(context)")
                        }
                    }
                }
            }
        }
    }

    @Test("a broad search's newest-first pages skip the newest clients when they are archived, with a filter, a scope or neither")
    func broadSearchSkipsArchivedNewest() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let group = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            var clients: [Client] = []
            for name in ["Peña Uno", "Peña Dos", "Peña Tres", "Peña Cuatro", "Peña Cinco", "Peña Seis"] {
                clients.append(try await f.client(name, group: group))
            }
            for client in clients.suffix(2) {
                _ = try await f.stores.clients.setArchived(client.id, true, expectedVersion: client.version, by: f.admin)
            }
            try await f.client("Peña Fuera")
            let seller = try await f.user("norte@demo.test", groups: [group])
            func page(_ archived: ClientQuery.Archived, _ offset: Int, filters: [ClientFilter] = [],
                      scope: ClientScope = .all) async throws -> [String] {
                var query = ClientQuery(search: "pena", filters: filters, archived: archived, limit: 2, page: .offset(offset),
                                        counting: .upTo(2))
                query.sortedUpTo = 2
                let page = try await f.stores.clients.list(query, scope: scope)
                #expect(page.newestFirst)
                return page.clients.map(\.draft.legalName)
            }
            // Peña Fuera, the newest, is outside the group: only the viewer who sees all, unfiltered, finds it.
            #expect(try await page(.active, 0) == ["Peña Fuera", "Peña Cuatro"])
            #expect(try await page(.all, 0) == ["Peña Fuera", "Peña Seis"])
            for (filters, scope) in [([ClientFilter.clientGroup(group)], ClientScope.all), ([], .of(seller))] {
                #expect(try await page(.active, 0, filters: filters, scope: scope) == ["Peña Cuatro", "Peña Tres"])
                #expect(try await page(.active, 2, filters: filters, scope: scope) == ["Peña Dos", "Peña Uno"])
                #expect(try await page(.all, 0, filters: filters, scope: scope) == ["Peña Seis", "Peña Cinco"])
                #expect(try await page(.all, 4, filters: filters, scope: scope) == ["Peña Dos", "Peña Uno"])
            }
        }
    }

    @Test("a broad search counts only the clients of the archived choice, for a viewer who sees all and with filters")
    func broadSearchCountsArchivedChoice() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let group = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            var clients: [Client] = []
            for name in ["Peña Uno", "Peña Dos", "Peña Tres", "Peña Cuatro", "Peña Cinco"] {
                clients.append(try await f.client(name, group: name.hasSuffix("o") ? group : nil))
            }
            for client in clients.prefix(2) {
                _ = try await f.stores.clients.setArchived(client.id, true, expectedVersion: client.version, by: f.admin)
            }
            func count(_ archived: ClientQuery.Archived, cap: Int, filters: [ClientFilter] = []) async throws -> ClientCount? {
                try await f.stores.clients.list(ClientQuery(search: "pena", filters: filters, archived: archived, counting: .upTo(cap)),
                                                scope: .all).count
            }
            #expect(try await count(.active, cap: 10) == .exactly(3))
            #expect(try await count(.active, cap: 2) == .moreThan(2))
            #expect(try await count(.archived, cap: 10) == .exactly(2))
            #expect(try await count(.all, cap: 10) == .exactly(5))
            // Uno, Cuatro and Cinco are in the group; Uno is archived.
            #expect(try await count(.active, cap: 10, filters: [.clientGroup(group)]) == .exactly(2))
        }
    }

    @Test("a list counts up to its cap unless asked for every match")
    func countCap() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            for name in ["Alfa", "Beta", "Gamma"] { try await f.client(name) }
            #expect(try await f.stores.clients.list(ClientQuery(counting: .upTo(2)), scope: .all).count == .moreThan(2))
            #expect(try await f.stores.clients.list(ClientQuery(counting: .upTo(3)), scope: .all).count == .exactly(3))
            #expect(try await f.stores.clients.list(ClientQuery(counting: .all), scope: .all).count == .exactly(3))
            #expect(try await f.stores.clients.list(ClientQuery(counting: .none), scope: .all).count == nil)
        }
    }
}
