import CarteraCore
@testable import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Catalogues kept between requests")
struct CatalogueCacheTests {
    @Test("a change made through another instance is seen by the next read")
    func otherInstance() async throws {
        try await TestDatabase.withURL { db, url in
            let f = try await Fixture.make(db)
            let other = try Database.open(url: url, logger: db.logger)
            let stores = Stores(database: other, clock: f.clock)
            let agent = try await f.user("agente@demo.test")
            // Read (and so kept) on the other instance first.
            #expect(try await stores.users.viewer(agent.id)?.user.clientGroupIDs == [])
            #expect(try await stores.catalogues.clientGroups().isEmpty)
            #expect(try await stores.users.all().count == 2)
            // Another key under the same generation is read, not taken for a kept "no such user".
            #expect(try await stores.users.viewer(f.admin.id)?.isAdmin == true)

            let group = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [agent.id], by: f.admin.id)
            #expect(try await stores.users.viewer(agent.id)?.user.clientGroupIDs == [group])
            #expect(try await stores.catalogues.clientGroups().map(\.id) == [group])

            // A user switched off is locked out of every instance at once.
            let user = try #require(try await f.stores.users.user(agent.id))
            var draft = UserDraft(email: user.email, name: user.name, roleIDs: user.roleIDs, accessLevel: user.accessLevel,
                                  clientGroupIDs: user.clientGroupIDs)
            draft.active = false
            try await f.stores.users.update(agent.id, draft, expectedVersion: user.version, by: f.admin.id)
            #expect(try await stores.users.viewer(agent.id) == nil)
            #expect(try await stores.users.all().first { $0.id == agent.id }?.active == false)
            try await other.shutdown()
        }
    }

    @Test("a request checks the counter once, and again after a write of its own")
    func oncePerRequest() async throws {
        try await TestDatabase.withURL { db, url in
            let f = try await Fixture.make(db)
            let other = try Database.open(url: url, logger: db.logger)
            let adminID = f.admin.id.rawValue
            try await Database.readingCataloguesOnce {
                #expect(try await f.stores.users.all().map(\.name) == ["admin"])
                // Another instance renames the user meanwhile (detached: not part of this request).
                try await Task.detached {
                    try await other.write { try await $0.run("UPDATE users SET name = 'Otra' WHERE id = \(bind: adminID)") }
                }.value
                // The request began before the change and keeps seeing the catalogues as they were.
                #expect(try await f.stores.users.all().map(\.name) == ["admin"])
                // Its own write, of anything, makes it look again.
                _ = try await f.stores.organisation.createBranch(name: "Centro", by: f.admin.id)
                #expect(try await f.stores.users.all().map(\.name) == ["Otra"])
            }
            try await other.shutdown()
        }
    }

    @Test("a session's or a token's lookup reads the counter with it, and the request's catalogues are read by it")
    func counterWithTheSession() async throws {
        try await TestDatabase.withURL { db, url in
            let f = try await Fixture.make(db)
            let other = try Database.open(url: url, logger: db.logger)
            let (cookie, _) = try await f.stores.sessions.start(userID: f.admin.id)
            let (_, bearer) = try await f.stores.tokens.create(userID: f.admin.id, name: "ERP")
            _ = try await f.stores.tokens.authenticate(bearer)  // its "last used" written now, not in the request below
            let adminID = f.admin.id.rawValue
            for lookup in ["session", "token"] {
                let generation = try await Self.generation(db)
                #expect(try await f.stores.users.all().map(\.name) == ["admin"])  // kept under `generation`
                try await Database.readingCataloguesOnce {
                    if lookup == "session" {
                        #expect(try await f.stores.sessions.resume(token: cookie)?.userID == f.admin.id)
                    } else {
                        #expect(try await f.stores.tokens.authenticate(bearer) == f.admin.id)
                    }
                    #expect(Database.catalogueCheck?.generation.withLock { $0 } == generation, "\(lookup)")
                    // Renamed by another instance after the lookup: the request, which asks for no counter
                    // of its own, keeps what was kept under the counter it read with its session.
                    try await Task.detached {
                        try await other.write { try await $0.run("UPDATE users SET name = 'Otra' WHERE id = \(bind: adminID)") }
                    }.value
                    #expect(try await f.stores.users.all().map(\.name) == ["admin"], "\(lookup)")
                }
                #expect(try await f.stores.users.all().map(\.name) == ["Otra"])
                try await db.write { try await $0.run("UPDATE users SET name = 'admin' WHERE id = \(bind: adminID)") }
            }
            try await other.shutdown()
        }
    }

    @Test("the client list's chosen columns are kept, and read again once saved")
    func clientColumnsKept() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            #expect(try await f.stores.users.clientColumns(f.admin.id) == nil)
            try await f.stores.users.setClientColumns(f.admin.id, ["city", "phones"])
            #expect(try await f.stores.users.clientColumns(f.admin.id) == ["city", "phones"])
            try await f.stores.users.setClientColumns(f.admin.id, ["taxId"])
            #expect(try await f.stores.users.clientColumns(f.admin.id) == ["taxId"])
        }
    }

    @Test("what was read is reused until the generation moves")
    func keptUntilGenerationMoves() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            #expect(try await f.stores.users.all().map(\.name) == ["admin"])
            // A write that puts the counter back where it was: the kept list is what the next read gets.
            try await db.write { session in
                try await session.run("UPDATE users SET name = 'Otra' WHERE id = \(bind: f.admin.id.rawValue)")
                try await session.run("UPDATE catalogue_generation SET value = value - 1")
            }
            #expect(try await f.stores.users.all().map(\.name) == ["admin"])
            try await db.write { try await $0.run("UPDATE catalogue_generation SET value = value + 1") }
            #expect(try await f.stores.users.all().map(\.name) == ["Otra"])
        }
    }

    @Test("a write to any catalogue table moves the generation")
    func everyTableBumps() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let agent = try await f.user("agente@demo.test")
            _ = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [agent.id], by: f.admin.id)
            _ = try await f.stores.catalogues.createClientType(name: "Mayorista", color: "#336699", icon: nil, by: f.admin.id)
            _ = try await f.stores.catalogues.createCustomField(labelES: "Rubro", labelEN: "Trade", type: .text, required: false,
                                                                showInList: false, choices: [], by: f.admin.id)
            _ = try await f.stores.organisation.createBranch(name: "Centro", by: f.admin.id)
            _ = try await f.stores.organisation.createActivityCategory(name: "Visita", by: f.admin.id)
            _ = try await f.stores.assetKinds.create(name: "Caldera", by: f.admin.id)
            let products = try await f.stores.masterData.createTable(name: "Productos", by: f.admin)
            let retail = try await f.stores.masterData.createPriceList(name: "Minorista", by: f.admin)
            _ = try await f.stores.masterData.createItem(products.id, MasterItemDraft(code: "FIL-1", description: "Filtro"),
                                                         prices: [retail.id: Money(minor: 45_000, currency: "ARS")], by: f.admin)
            _ = try await f.stores.forms.createTemplate(name: "Informe", definition: try FormDefinition.parse(
                "Horas | número | obligatorio", tables: [products]), by: f.admin)
            for table in Migration023.tables + Migration029.tables {
                let before = try await Self.generation(db)
                try await db.write { session in
                    let column = try await Self.firstColumn(session, table)
                    try await session.run("UPDATE \(ident: table) SET \(ident: column) = \(ident: column)")
                }
                #expect(try await Self.generation(db) > before, "\(table)")
            }
        }
    }

    @Test("a price list's items and the form templates, kept on another instance, are read again after a write")
    func masterDataKept() async throws {
        try await TestDatabase.withURL { db, url in
            let f = try await Fixture.make(db)
            let products = try await f.stores.masterData.createTable(name: "Productos", by: f.admin)
            let retail = try await f.stores.masterData.createPriceList(name: "Minorista", by: f.admin)
            let filter = try await f.stores.masterData.createItem(products.id, MasterItemDraft(code: "FIL-1", description: "Filtro"),
                                                                  prices: [retail.id: Money(minor: 45_000, currency: "ARS")], by: f.admin)
            let other = try Database.open(url: url, logger: db.logger)
            let stores = Stores(database: other, clock: f.clock)
            #expect(try await stores.masterData.items(products.id, limit: 500).map { $0.prices[retail.id]?.minor } == [45_000])
            #expect(try await stores.masterData.tables().map(\.name) == ["Productos"])
            #expect(try await stores.forms.templates().isEmpty)

            _ = try await f.stores.masterData.updateItem(filter.item.id, filter.item.draft, prices: [retail.id: Money(minor: 47_500, currency: "ARS")],
                                                         expectedVersion: filter.item.version, by: f.admin)
            #expect(try await stores.masterData.items(products.id, limit: 500).map { $0.prices[retail.id]?.minor } == [47_500])
            _ = try await f.stores.masterData.createTable(name: "Repuestos", by: f.admin)
            #expect(try await stores.masterData.tables().map(\.name) == ["Productos", "Repuestos"])
            _ = try await f.stores.forms.createTemplate(name: "Informe", definition: try FormDefinition.parse(
                "Horas | número | obligatorio", tables: [products]), by: f.admin)
            #expect(try await stores.forms.templates().map(\.name) == ["Informe"])
            try await other.shutdown()
        }
    }

    static func generation(_ db: Database) async throws -> Int64 {
        try await db.read { try await $0.first("SELECT value FROM catalogue_generation")?.int("value") ?? 0 }
    }

    static func firstColumn(_ session: Session, _ table: String) async throws -> String {
        switch session.kind {
        case .sqlite:
            try await session.first("SELECT name FROM pragma_table_info(\(bind: table)) ORDER BY cid LIMIT 1")!.string("name")
        case .postgres:
            try await session.first("""
                SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(bind: table) ORDER BY ordinal_position LIMIT 1
                """)!.string("column_name")
        }
    }
}
