import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Changing the preferred agent in the browser and the API")
struct ReassignTests {
    @Test("the page lists holders with counts and replaces one after confirming; sellers cannot open it; the API does the same")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let leaving = try await f.user("se.va@demo.test", name: "Agente Saliente")
            let arriving = try await f.user("llega@demo.test", name: "Agente Nuevo")
            let first = try await f.client("Cliente 0", agent: leaving.id)
            for n in 1..<3 { try await f.client("Cliente \(n)", agent: leaving.id) }
            let (_, token) = try await f.stores.tokens.create(userID: f.admin.id, name: "test")
            try await world.withApp { client in
                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                #expect(try await seller.send(.get, "/clients/reassign").status == .forbidden)

                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                let page = String(buffer: try await admin.send(.get, "/clients/reassign").body)
                #expect(page.contains("Agente Saliente") && page.contains("¿Pasar los 3 clientes de Agente Saliente a la persona elegida?"))
                // Submitting without choosing changes nothing.
                _ = try await admin.send(.post, "/clients/reassign", form: ["role": "salesAgent", "from": "\(leaving.id)", "to": ""])
                #expect(try await f.stores.clients.client(first.id, scope: .all)?.draft.salesAgentID == leaving.id)
                let done = try await admin.send(.post, "/clients/reassign", form: ["role": "salesAgent", "from": "\(leaving.id)",
                                                                                   "to": "\(arriving.id)"])
                #expect(done.status == .seeOther)
                let after = String(buffer: try await admin.send(.get, "/clients/reassign").body)
                #expect(after.contains("Se pasaron 3 clientes de Agente Saliente a Agente Nuevo."))
                #expect(after.contains("data-label=\"Asignado hoy\">Agente Nuevo"))
                #expect(!after.contains("data-label=\"Asignado hoy\">Agente Saliente"))
                // The client's history names the people, not their ids.
                let history = String(buffer: try await admin.send(.get, "/clients/\(first.id)/history").body)
                #expect(history.contains("Agente Saliente") && history.contains("Agente Nuevo"))

                let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
                let loads = String(buffer: try await client.execute(uri: "/api/v1/agents?role=salesAgent", method: .get, headers: headers).body)
                #expect(loads.contains("\"clients\":3") && loads.contains("\"name\":\"Agente Nuevo\""))
                let back = try await client.execute(uri: "/api/v1/clients/reassign", method: .post, headers: headers,
                                                    body: ByteBuffer(string: "{\"fromUserId\": \(arriving.id), \"toUserId\": \(leaving.id)}"))
                #expect(String(buffer: back.body) == "{\"changed\":3}")
                let bad = try await client.execute(uri: "/api/v1/clients/reassign", method: .post, headers: headers,
                                                   body: ByteBuffer(string: "{\"fromUserId\": \(leaving.id), \"toUserId\": 999999}"))
                #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("toUserId"))
            }
        }
    }
}
