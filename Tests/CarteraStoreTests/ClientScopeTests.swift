import CarteraCore
import CarteraStore
import CarteraTestSupport
import Synchronization
import Testing

/// DESIGN.md rule 1, walked through every read path of clients.
@Suite("Which clients a user sees")
struct ClientScopeTests {
    struct World {
        let f: Fixture
        let north: ClientGroup.ID
        let south: ClientGroup.ID
        let supervisor: Viewer
        let seller: Viewer
        let junior: Viewer
        let free: Viewer
        let northClient: Client
        let southClient: Client
        let juniorClient: Client
        let collectedClient: Client
    }

    func world(_ db: Database) async throws -> World {
        let f = try await Fixture.make(db)
        let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
        let south = try await f.stores.catalogues.createClientGroup(name: "Sur", userIDs: [], by: nil)
        let supervisor = try await f.user("sup@demo.test", roles: ["supervisor"], level: .branch, groups: [north])
        let seller = try await f.user("seller@demo.test", manager: supervisor.id, groups: [north])
        let junior = try await f.user("junior@demo.test", manager: seller.id)
        let free = try await f.user("free@demo.test")
        let northClient = try await f.client("Cliente Norte", group: north)
        let southClient = try await f.client("Cliente Sur", group: south)
        let juniorClient = try await f.client("Cliente del Junior", group: south, agent: junior.id)
        let collectedClient = try await f.client("Cliente Cobranza", group: south, collector: seller.id)
        return World(f: f, north: north, south: south, supervisor: try await f.reload(supervisor),
                     seller: try await f.reload(seller), junior: junior, free: free, northClient: northClient,
                     southClient: southClient, juniorClient: juniorClient, collectedClient: collectedClient)
    }

    func visible(_ w: World, _ viewer: Viewer) async throws -> Set<String> {
        Set(try await w.f.stores.clients.list(ClientQuery(limit: 500), scope: .of(viewer)).clients.map(\.draft.legalName))
    }

    @Test("admins and users without groups see every client")
    func everyone() async throws {
        try await TestDatabase.with { db in
            let w = try await world(db)
            let all: Set = ["Cliente Norte", "Cliente Sur", "Cliente del Junior", "Cliente Cobranza"]
            #expect(try await visible(w, w.f.admin) == all)
            #expect(try await visible(w, w.free) == all)
            #expect(try await visible(w, w.junior) == all)
        }
    }

    @Test("a user with groups sees their groups, their team's clients as agent or collector, and nothing else")
    func restricted() async throws {
        try await TestDatabase.with { db in
            let w = try await world(db)
            #expect(try await visible(w, w.seller) == ["Cliente Norte", "Cliente del Junior", "Cliente Cobranza"])
            // The supervisor sees the whole chain below: seller (collector) and junior (agent).
            #expect(try await visible(w, w.supervisor) == ["Cliente Norte", "Cliente del Junior", "Cliente Cobranza"])
            let page = try await w.f.stores.clients.list(ClientQuery(), scope: .of(w.seller))
            #expect(page.count == .exactly(3))
        }
    }

    @Test("outside the scope a client is absent on every path: card, search, history, contacts")
    func absentEverywhere() async throws {
        try await TestDatabase.with { db in
            let w = try await world(db)
            let stores = w.f.stores
            let scope = ClientScope.of(w.seller)
            #expect(try await stores.clients.client(w.southClient.id, scope: scope) == nil)
            #expect(try await stores.clients.list(ClientQuery(search: "sur"), scope: scope).clients.isEmpty)
            await #expect(throws: StoreError.notFound) {
                try await stores.clients.history(w.southClient.id, by: w.seller)
            }
            let contact = try await stores.contacts.create(clientID: w.southClient.id, name: "Ana Sur", role: nil,
                                                           email: nil, phone: "11 4000 1234", by: w.f.admin)
            await #expect(throws: StoreError.notFound) {
                try await stores.contacts.contacts(of: w.southClient.id, scope: scope)
            }
            #expect(try await stores.contacts.contact(contact.id, scope: scope) == nil)
            #expect(try await stores.contacts.catalogue(search: "ana", after: nil, limit: 50, scope: scope).isEmpty)
            #expect(try await stores.contacts.catalogue(search: "ana", after: nil, limit: 50, scope: .all).count == 1)
            await #expect(throws: StoreError.notFound) {
                try await stores.clients.update(w.southClient.id, w.southClient.draft, expectedVersion: 1, by: w.seller)
            }
        }
    }

    @Test("a restricted user cannot create a client that would leave their portfolio")
    func createOutsideScope() async throws {
        try await TestDatabase.with { db in
            let w = try await world(db)
            await #expect(throws: ValidationFailure.self) {
                try await w.f.stores.clients.create(ClientDraft(legalName: "Fuera", clientGroupID: w.south), by: w.seller)
            }
            #expect(try await w.f.stores.clients.list(ClientQuery(search: "fuera"), scope: .all).clients.isEmpty)
            let inside = try await w.f.stores.clients.create(ClientDraft(legalName: "Dentro", clientGroupID: w.north), by: w.seller)
            #expect(inside.draft.clientGroupID == w.north)
        }
    }

    @Test("moving a user under another manager changes what the manager sees")
    func managerChainFollowsMoves() async throws {
        try await TestDatabase.with { db in
            let w = try await world(db)
            let user = try await w.f.stores.users.user(w.junior.id)!
            var draft = UserDraft(email: user.email, name: user.name, roleIDs: user.roleIDs, accessLevel: user.accessLevel)
            draft.managerID = nil
            try await w.f.stores.users.update(user.id, draft, expectedVersion: user.version, by: w.f.admin.id)
            let supervisor = try await w.f.reload(w.supervisor)
            #expect(try await visible(w, supervisor) == ["Cliente Norte", "Cliente Cobranza"])
        }
    }

    @Test("exports stream only what the scope allows: clients and the contacts catalogue")
    func exports() async throws {
        try await TestDatabase.with { db in
            let w = try await world(db)
            _ = try await w.f.stores.contacts.create(clientID: w.southClient.id, name: "Ana Sur", role: nil, email: nil,
                                                     phone: nil, by: w.f.admin)
            _ = try await w.f.stores.contacts.create(clientID: w.northClient.id, name: "Ana Norte", role: nil, email: nil,
                                                     phone: nil, by: w.f.admin)
            let names = Mutex<[String]>([])
            try await w.f.stores.clients.export(ClientQuery(), scope: .of(w.seller)) { client in
                names.withLock { $0.append(client.draft.legalName) }
            }
            #expect(Set(names.withLock { $0 }) == ["Cliente Norte", "Cliente del Junior", "Cliente Cobranza"])
            let contacts = Mutex<[String]>([])
            try await w.f.stores.contacts.export(search: "ana", scope: .of(w.seller)) { listing in
                contacts.withLock { $0.append(listing.contact.name) }
            }
            #expect(contacts.withLock { $0 } == ["Ana Norte"])
        }
    }
}
