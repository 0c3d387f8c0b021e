import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Follow-ups in the browser and the API")
struct FollowUpPagesTests {
    @Test("a seller adds a follow-up from the card, sees it in Today, marks it done; bad input keeps what was typed")
    func panelFlow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            try await world.withApp { client in
                var browser = Browser(client: client)
                _ = try await browser.login("vendedor@demo.test", WebWorld.password)
                let base = "/clients/\(world.north.id)/follow-ups"
                let today = LocalDateTime.parts(world.fixture.clock.now().addingTimeInterval(3600),
                                                timeZone: TimeZone(identifier: "America/Argentina/Buenos_Aires")!)
                let bad = try await browser.send(.post, base, form: ["title": "Llamar a Rosa", "dueDate": "2026-02-30",
                                                                     "dueTime": "10:00", "responsibleId": "\(world.seller.id)",
                                                                     "colour": "green"])
                let badPage = String(buffer: bad.body)
                #expect(bad.status == .unprocessableContent)
                #expect(badPage.contains("«Fecha» debe ser una fecha AAAA-MM-DD.") && badPage.contains("value=\"Llamar a Rosa\""))

                let saved = try await browser.send(.post, base, form: ["title": "Llamar a Rosa", "dueDate": today.date,
                                                                       "dueTime": today.time, "responsibleId": "\(world.seller.id)",
                                                                       "colour": "green", "remindMinutesBefore": "30"])
                #expect(saved.status == .seeOther)
                let panel = String(buffer: try await browser.send(.get, "/follow-ups?tab=today").body)
                #expect(panel.contains("Llamar a Rosa") && panel.contains("Hoy <span class=\"badge\">1</span>"))
                let csv = String(buffer: try await browser.send(.get, "/follow-ups/export?tab=today&format=csv&bom=0").body)
                #expect(csv.hasPrefix("Vencimiento;N.º;Razón social;Contacto;Título;Descripción;Color;Responsable;Estado;Recordatorio por correo"))
                #expect(csv.contains(";Llamar a Rosa;;Verde;Vendedor Norte;Pendiente;30"))
                let id = try #require(try await world.fixture.stores.followUps.list(FollowUpQuery(), by: world.seller, timeZone: .gmt).first?.followUp.id)
                let done = try await browser.send(.post, "/follow-ups/\(id)/done", form: ["back": "/follow-ups?tab=today"])
                #expect(done.status == .seeOther && done.headers[.location] == "/follow-ups?tab=today")
                let after = String(buffer: try await browser.send(.get, "/follow-ups?tab=today").body)
                #expect(after.contains("«Llamar a Rosa» marcado como hecho."))  // the flash, not the list
                #expect(!after.contains("<strong>Llamar a Rosa</strong>") && after.contains("Hoy <span class=\"badge\">0</span>"))
                let card = String(buffer: try await browser.send(.get, "/clients/\(world.north.id)").body)
                #expect(card.contains("Llamar a Rosa") && card.contains("followup colour-green done"))
                // An open redirect is not followed: the client card instead.
                let away = try await browser.send(.post, "/follow-ups/\(id)/reopen", form: ["back": "//evil.example/"])
                #expect(away.headers[.location] == "/clients/\(world.north.id)#follow-ups")
            }
        }
    }

    @Test("someone else's follow-up answers 404 on every page and API path, and its client stays hidden")
    func scope() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let hidden = try await f.stores.followUps.create(
                clientID: world.north.id, FollowUpDraft(responsibleID: f.admin.id, title: "Privado", dueAt: f.clock.now()), by: f.admin)
            let (_, token) = try await f.stores.tokens.create(userID: world.seller.id, name: "test")
            try await world.withApp { client in
                var browser = Browser(client: client)
                _ = try await browser.login("vendedor@demo.test", WebWorld.password)
                #expect(try await browser.send(.get, "/follow-ups/\(hidden.id)/edit").status == .notFound)
                #expect(try await browser.send(.post, "/follow-ups/\(hidden.id)/done", form: [:]).status == .notFound)
                #expect(try await browser.send(.post, "/follow-ups/\(hidden.id)", form: ["title": "x", "version": "1"]).status == .notFound)
                #expect(try await browser.send(.get, "/clients/\(world.south.id)/follow-ups/new").status == .notFound)
                #expect(!String(buffer: try await browser.send(.get, "/follow-ups?tab=today&responsible=all").body).contains("Privado"))
                let headers: HTTPFields = [.authorization: "Bearer \(token)"]
                for (method, path) in [(HTTPRequest.Method.get, "/api/v1/follow-ups/\(hidden.id)"),
                                       (.post, "/api/v1/follow-ups/\(hidden.id)/done")] {
                    #expect(try await client.execute(uri: path, method: method, headers: headers).status == .notFound, "\(path)")
                }
                let list = String(buffer: try await client.execute(uri: "/api/v1/follow-ups", method: .get, headers: headers).body)
                #expect(list == "{\"items\":[],\"nextCursor\":null}")
            }
            #expect(try await f.stores.followUps.followUp(hidden.id, by: f.admin)?.status == .pending)
        }
    }

    @Test("the API creates, patches with If-Match and marks done; errors name the field")
    func api() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let (_, token) = try await world.fixture.stores.tokens.create(userID: world.seller.id, name: "test")
            try await world.withApp { client in
                var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
                func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
                let bad = try await client.execute(uri: "/api/v1/follow-ups", method: .post, headers: headers,
                                                   body: body("{\"clientId\": \(world.north.id), \"title\": \"\", \"dueAt\": \"mañana\"}"))
                #expect(bad.status == .unprocessableContent)
                let problem = String(buffer: bad.body)
                #expect(problem.contains("\"dueAt\"") && problem.contains("\"title\""))
                let created = try await client.execute(uri: "/api/v1/follow-ups", method: .post, headers: headers,
                                                       body: body("{\"clientId\": \(world.north.id), \"title\": \"Enviar presupuesto\", \"dueAt\": \"2026-11-24T09:30:00-03:00\", \"colour\": \"red\"}"))
                #expect(created.status == .created)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: created.body)) as! [String: Any]
                #expect(json["dueAt"] as? String == "2026-11-24T12:30:00Z" && json["responsibleId"] as? Int == Int(world.seller.id.rawValue))
                let id = json["id"] as! Int
                let noMatch = try await client.execute(uri: "/api/v1/follow-ups/\(id)", method: .patch, headers: headers,
                                                       body: body("{\"title\": \"Otro\"}"))
                #expect(noMatch.status == .preconditionRequired)
                headers[.ifMatch] = "\"1\""
                let patched = try await client.execute(uri: "/api/v1/follow-ups/\(id)", method: .patch, headers: headers,
                                                       body: body("{\"title\": \"Enviar presupuesto firmado\", \"description\": null}"))
                #expect(patched.status == .ok && String(buffer: patched.body).contains("firmado"))
                let stale = try await client.execute(uri: "/api/v1/follow-ups/\(id)", method: .patch, headers: headers,
                                                     body: body("{\"title\": \"Pisado\"}"))
                #expect(stale.status == .preconditionFailed)
                let done = try await client.execute(uri: "/api/v1/follow-ups/\(id)/done", method: .post, headers: headers)
                #expect(String(buffer: done.body).contains("\"status\":\"done\""))
            }
        }
    }
}
