import CarteraCore
import CarteraStore
import CarteraTestSupport
import CarteraWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Pages and API answer within the user's scope")
struct AccessPathsTests {
    @Test("a grouped seller sees their clients in pages; others answer 404 on every path")
    func pages() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            try await world.withApp { client in
                var browser = Browser(client: client)
                #expect(try await browser.login("vendedor@demo.test", WebWorld.password).status == .seeOther)
                let list = String(buffer: try await browser.send(.get, "/clients").body)
                #expect(list.contains("Ferretería del Norte"))
                #expect(!list.contains("Panadería del Sur"))
                let searched = String(buffer: try await browser.send(.get, "/clients?q=panaderia").body)
                #expect(!searched.contains("Panadería del Sur"))
                let other = world.south.id
                for path in ["/clients/\(other)", "/clients/\(other)/history", "/clients/\(other)/edit"] {
                    #expect(try await browser.send(.get, path).status == .notFound, "\(path)")
                }
                let post = try await browser.send(.post, "/clients/\(other)", form: ["legalName": "Robado", "version": "1"])
                #expect(post.status == .notFound)
                let contacts = String(buffer: try await browser.send(.get, "/contacts?q=rosa").body)
                #expect(!contacts.contains("Rosa Sureña"))
                #expect(try await browser.send(.post, "/contacts/\(world.southContact.id)/delete", form: [:]).status == .notFound)
                #expect(try await browser.send(.get, "/clients/\(world.north.id)").status == .ok)
            }
            #expect(try await world.fixture.stores.clients.client(world.south.id, scope: .all)?.draft.legalName == "Panadería del Sur")
        }
    }

    @Test("the API applies the same scope to a seller's token")
    func api() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let (_, token) = try await world.fixture.stores.tokens.create(userID: world.seller.id, name: "test")
            try await world.withApp { client in
                let headers: HTTPFields = [.authorization: "Bearer \(token)"]
                let list = try await client.execute(uri: "/api/v1/clients", method: .get, headers: headers)
                let names = String(buffer: list.body)
                #expect(names.contains("Ferretería del Norte") && !names.contains("Panadería del Sur"))
                for path in ["/api/v1/clients/\(world.south.id)", "/api/v1/clients/\(world.south.id)/contacts",
                             "/api/v1/contacts/\(world.southContact.id)"] {
                    #expect(try await client.execute(uri: path, method: .get, headers: headers).status == .notFound, "\(path)")
                }
                let patch = try await client.execute(uri: "/api/v1/clients/\(world.south.id)", method: .patch,
                                                     headers: [.authorization: "Bearer \(token)", .ifMatch: "\"1\""],
                                                     body: ByteBuffer(string: #"{"legalName":"Robado"}"#))
                #expect(patch.status == .notFound)
            }
        }
    }

    @Test("forms need the CSRF token; a stale edit keeps the user's input and says why")
    func csrfAndConflict() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            try await world.withApp { client in
                var browser = Browser(client: client)
                _ = try await browser.login("admin@demo.test", WebWorld.password)
                let forged = try await browser.send(.post, "/clients/\(world.north.id)/archive", form: ["_csrf": "forged"])
                #expect(forged.status == .forbidden)
                let first = try await browser.send(.post, "/clients/\(world.north.id)",
                                                   form: ["legalName": "Ferretería Norte Nueva", "version": "1"])
                #expect(first.status == .seeOther)
                let stale = try await browser.send(.post, "/clients/\(world.north.id)",
                                                   form: ["legalName": "Mi versión vieja", "version": "1"])
                #expect(stale.status == .conflict)
                let html = String(buffer: stale.body)
                #expect(html.contains("Mi versión vieja"))
                #expect(html.contains("Otra persona guardó este cliente"))
                #expect(html.contains("Ferretería Norte Nueva"))
            }
        }
    }

    @Test("repeated wrong passwords slow the account down instead of locking it")
    func throttling() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            try await world.withApp { client in
                var browser = Browser(client: client)
                for _ in 0..<3 {
                    #expect(try await browser.login("vendedor@demo.test", "mala").status == .unauthorized)
                }
                let throttled = try await browser.login("vendedor@demo.test", WebWorld.password)
                #expect(throttled.status == .tooManyRequests)
                #expect(String(buffer: throttled.body).contains("Esperá"))
            }
        }
    }
}
