import CarteraCore
import CarteraStore
import CarteraTestSupport
import CarteraWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Opportunities in the browser")
struct OpportunityPagesTests {
    @Test("opened from the card, moved through its statuses with what each asks for, on the board and in its printable history; scope kept")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            try await world.withApp { client in
                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                let card = String(buffer: try await seller.send(.get, "/clients/\(world.north.id)").body)
                #expect(card.contains("/clients/\(world.north.id)/opportunities/new"))
                let bad = try await seller.send(.post, "/clients/\(world.north.id)/opportunities", form: ["agentId": "\(world.seller.id)", "subject": ""])
                #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("«Asunto» es obligatorio"))
                let made = try await seller.send(.post, "/clients/\(world.north.id)/opportunities", form: [
                    "agentId": "\(world.seller.id)", "subject": "Equipar el local nuevo", "heardFrom": "Recomendación", "observations": "Quiere verlo en marzo"])
                let location = try #require(made.headers[.location])
                let page = String(buffer: try await seller.send(.get, location).body)
                #expect(page.contains("Equipar el local nuevo") && page.contains("Nueva") && page.contains("Recomendación"))

                let noDate = try await seller.send(.post, location + "/step", form: ["version": "1", "to": "waiting", "comment": "Llamar en octubre"])
                #expect(noDate.status == .unprocessableContent && String(buffer: noDate.body).contains("«Próximo contacto» es obligatorio"))
                #expect(try await seller.send(.post, location + "/step", form: ["version": "1", "to": "waiting", "comment": "Llamar en octubre",
                                                                                "nextContactOn": "2026-10-05"]).status == .seeOther)
                let stale = try await seller.send(.post, location + "/step", form: ["version": "1", "to": "working", "comment": "x"])
                #expect(stale.status == .conflict)
                let board = String(buffer: try await seller.send(.get, "/opportunities?view=board").body)
                // In the waiting column, not the new one.
                let newColumn = try #require(board.components(separatedBy: "id=\"col-new\"").last?.components(separatedBy: "id=\"col-waiting\"").first)
                let waitingColumn = try #require(board.components(separatedBy: "id=\"col-waiting\"").last?.components(separatedBy: "id=\"col-working\"").first)
                #expect(!newColumn.contains("Equipar el local nuevo") && waitingColumn.contains("Equipar el local nuevo") && waitingColumn.contains("05/10/2026"))
                let lost = try await seller.send(.post, location + "/step", form: ["version": "2", "to": "lost", "lostReason": "Precio"])
                #expect(lost.status == .unprocessableContent && String(buffer: lost.body).contains("«¿Qué podemos hacer para mejorar?» es obligatorio"))
                #expect(try await seller.send(.post, location + "/step", form: [
                    "version": "2", "to": "lost", "lostReason": "Precio", "improvement": "Ofrecer financiación"]).status == .seeOther)
                let final = String(buffer: try await seller.send(.get, location).body)
                #expect(!final.contains("/step\"") && final.contains("Ofrecer financiación") && final.contains("data-print"))
                #expect(!String(buffer: try await seller.send(.get, "/opportunities").body).contains("Equipar el local nuevo"))   // open only
                #expect(String(buffer: try await seller.send(.get, "/opportunities?status=lost").body).contains("Equipar el local nuevo"))
                let history = String(buffer: try await seller.send(.get, location + "/history/export?format=csv&bom=0").body)
                #expect(history.contains("En espera;Llamar en octubre;2026-10-05") && history.contains("Perdida;;;;Precio;Ofrecer financiación"))
                let csv = String(buffer: try await seller.send(.get, "/opportunities/export?format=csv&bom=0&status=all").body)
                #expect(csv.contains("Equipar el local nuevo;\(world.north.clientNumber);Ferretería del Norte"))

                // Types are a catalogue in administration.
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                #expect(try await admin.send(.post, "/admin/opportunity-types", form: ["name": "Renovación"]).status == .seeOther)
                #expect(try await admin.send(.post, "/admin/opportunity-types", form: ["name": "renovacion"]).status == .unprocessableContent)
                #expect(try await f.stores.opportunities.types().map(\.name).contains("Renovación"))
                #expect(try await seller.send(.get, "/admin/opportunity-types").status == .forbidden)

                // Another agent of level 4 sees none of it.
                let other = try await f.user("otra@demo.test", name: "Otra Agente")
                try await f.stores.users.setPasswordHash(other.id, try await Passwords.hash(WebWorld.password), keepingSession: nil)
                var outsider = Browser(client: client)
                _ = try await outsider.login("otra@demo.test", WebWorld.password)
                #expect(try await outsider.send(.get, location).status == .notFound)
                #expect(!String(buffer: try await outsider.send(.get, "/opportunities?status=all").body).contains("Equipar el local nuevo"))
                let outsiderCSV = String(buffer: try await outsider.send(.get, "/opportunities/export?format=csv&bom=0&status=all").body)
                #expect(outsiderCSV.contains(";") && !outsiderCSV.contains("Equipar el local nuevo"))
                #expect(try await outsider.send(.get, location + "/history/export?format=csv").status == .notFound)
            }
        }
    }

    @Test("the API opens an opportunity, moves it with If-Match and the fields each status asks for, and gives its history; scope kept")
    func api() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let (_, sellerToken) = try await f.stores.tokens.create(userID: world.seller.id, name: "t")
            let other = try await f.user("otra@demo.test")
            let (_, otherToken) = try await f.stores.tokens.create(userID: other.id, name: "t")
            try await world.withApp { client in
                var headers: HTTPFields = [.authorization: "Bearer \(sellerToken)", .contentType: "application/json"]
                let made = try await client.execute(uri: "/api/v1/opportunities", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"clientId": \(world.north.id), "subject": "Cotizar vitrinas", "heardFrom": "Instagram"}
                    """))
                let made_ = String(buffer: made.body)
                #expect(made.status == .created && made_.contains("\"agentId\":\(world.seller.id)") && made_.contains("\"status\":\"new\""))
                let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: made.body)) as? [String: Any])?["id"] as? Int)
                headers[.ifMatch] = "\"1\""
                let missing = try await client.execute(uri: "/api/v1/opportunities/\(id)/steps", method: .post, headers: headers,
                                                       body: ByteBuffer(string: "{\"to\": \"closed\"}"))
                #expect(missing.status == .unprocessableContent && String(buffer: missing.body).contains("invoiceNumber"))
                let closed = try await client.execute(uri: "/api/v1/opportunities/\(id)/steps", method: .post, headers: headers,
                                                      body: ByteBuffer(string: "{\"to\": \"closed\", \"comment\": \"Vendido\", \"invoiceNumber\": \"B-12\"}"))
                #expect(closed.status == .ok && String(buffer: closed.body).contains("\"invoiceNumber\":\"B-12\"") && closed.headers[.eTag] == "\"2\"")
                #expect(try await client.execute(uri: "/api/v1/opportunities/\(id)/steps", method: .post, headers: headers,
                                                 body: ByteBuffer(string: "{\"to\": \"working\", \"comment\": \"x\"}")).status == .preconditionFailed)
                let history = String(buffer: try await client.execute(uri: "/api/v1/opportunities/\(id)/history", method: .get, headers: headers).body)
                #expect(history.contains("\"status\":\"new\"") && history.contains("\"invoiceNumber\":\"B-12\""))
                #expect(String(buffer: try await client.execute(uri: "/api/v1/opportunities?status=closed", method: .get, headers: headers).body)
                    .contains("Cotizar vitrinas"))
                let outsider: HTTPFields = [.authorization: "Bearer \(otherToken)"]
                #expect(try await client.execute(uri: "/api/v1/opportunities/\(id)", method: .get, headers: outsider).status == .notFound)
                #expect(!String(buffer: try await client.execute(uri: "/api/v1/opportunities", method: .get, headers: outsider).body)
                    .contains("Cotizar vitrinas"))
            }
        }
    }
}
