import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Activities in the browser and the API")
struct ActivityPagesTests {
    @Test("recorded from the card (bad input keeps what was typed), listed as pending, marked Ok, downloaded")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let visit = try await world.fixture.stores.organisation.createActivityCategory(name: "Visita", by: nil)
            try await world.withApp { client in
                var browser = Browser(client: client)
                _ = try await browser.login("vendedor@demo.test", WebWorld.password)
                let base = "/clients/\(world.north.id)/activities"
                let bad = try await browser.send(.post, base, form: ["date": "2026-11-24", "time": "25:00", "userId": "\(world.seller.id)",
                                                                     "categoryId": "\(visit)", "detail": "Relevó equipos"])
                let badPage = String(buffer: bad.body)
                #expect(bad.status == .unprocessableContent && badPage.contains("Relevó equipos") && badPage.contains("«Hora»"))
                let saved = try await browser.send(.post, base, form: ["date": "2026-11-24", "time": "10:30", "userId": "\(world.seller.id)",
                                                                       "categoryId": "\(visit)", "detail": "Relevó equipos"])
                #expect(saved.status == .seeOther)
                let list = String(buffer: try await browser.send(.get, "/activities").body)
                #expect(list.contains("Visita: 24/11/2026") && list.contains("Relevó equipos"))
                #expect(list.contains("data-copy=\"24/11/2026, 10:30"))
                let id = try #require(try await world.fixture.stores.activities.list(ActivityQuery(), by: world.seller).first?.activity.id)
                _ = try await browser.send(.post, "/activities/\(id)/done", form: ["back": "/activities"])
                #expect(!String(buffer: try await browser.send(.get, "/activities").body).contains("Relevó equipos"))
                #expect(String(buffer: try await browser.send(.get, "/activities?status=done").body).contains("Relevó equipos"))
                let csv = try await browser.send(.get, "/activities/export?format=csv&status=all&bom=0")
                let text = String(buffer: csv.body)
                #expect(csv.status == .ok && text.hasPrefix("Fecha y hora;N.º;Razón social;Contacto;Categoría;Usuario;Detalle;Estado"))
                #expect(text.contains(";Visita;Vendedor Norte;Relevó equipos;Hecha"))
                let wrongClient = try await browser.send(.get, "/activities?client=\(world.south.clientNumber)")
                #expect(wrongClient.status == .unprocessableContent)
                // By contact key: the contact of a visible client narrows the list; one outside the scope is refused.
                let rosa = world.southContact
                let ana = try await world.fixture.stores.contacts.create(clientID: world.north.id, name: "Ana Norteña", role: nil,
                                                                         email: nil, phone: nil, by: world.fixture.admin)
                _ = try await world.fixture.stores.activities.create(clientID: world.north.id, ActivityDraft(
                    contactID: ana.id, userID: world.seller.id, detail: "Habló con Ana", at: world.fixture.clock.now()), by: world.seller)
                let byContact = String(buffer: try await browser.send(.get, "/activities?status=all&contact=\(ana.contactKey)").body)
                #expect(byContact.contains("Habló con Ana") && !byContact.contains("Relevó equipos"))
                #expect(try await browser.send(.get, "/activities?contact=\(rosa.contactKey)").status == .unprocessableContent)
            }
        }
    }

    @Test("the API records, patches and finishes an activity; another user's activity answers 404")
    func api() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let hidden = try await f.stores.activities.create(clientID: world.north.id, ActivityDraft(
                userID: f.admin.id, detail: "Privada", at: f.clock.now()), by: f.admin)
            let (_, token) = try await f.stores.tokens.create(userID: world.seller.id, name: "test")
            try await world.withApp { client in
                var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
                #expect(try await client.execute(uri: "/api/v1/activities/\(hidden.id)", method: .get, headers: headers).status == .notFound)
                let created = try await client.execute(uri: "/api/v1/activities", method: .post, headers: headers, body: ByteBuffer(
                    string: "{\"clientId\": \(world.north.id), \"detail\": \"Llamó\", \"at\": \"2026-11-24T10:00:00-03:00\"}"))
                #expect(created.status == .created)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: created.body)) as! [String: Any]
                let id = json["id"] as! Int
                #expect(json["userId"] as? Int == Int(world.seller.id.rawValue) && json["status"] as? String == "pending")
                headers[.ifMatch] = "\"1\""
                let patched = try await client.execute(uri: "/api/v1/activities/\(id)", method: .patch, headers: headers,
                                                       body: ByteBuffer(string: "{\"detail\": \"Llamó por precios\"}"))
                #expect(patched.status == .ok && String(buffer: patched.body).contains("Llamó por precios"))
                let done = try await client.execute(uri: "/api/v1/activities/\(id)/done", method: .post, headers: headers)
                #expect(String(buffer: done.body).contains("\"status\":\"done\""))
                let list = String(buffer: try await client.execute(uri: "/api/v1/activities", method: .get, headers: headers).body)
                #expect(list.contains("Llamó por precios") && !list.contains("Privada"))
            }
        }
    }
}
