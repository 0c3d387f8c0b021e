import CarteraCore
import CarteraStore
import CarteraWeb
import CarteraTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Notes in the browser and the API")
struct NotePagesTests {
    @Test("a level-3 user reads their department's notes on the card and in the report, cannot delete; no department, no writing")
    func pages() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let sales = try await f.stores.organisation.createDepartment(name: "Ventas", by: nil)
            let service = try await f.stores.organisation.createDepartment(name: "Servicio", by: nil)
            let lead = try await f.user("lider@demo.test", name: "Líder Ventas", level: .department, department: sales)
            let tech = try await f.user("tecnico@demo.test", name: "Técnica", department: service)
            try await f.stores.users.setPasswordHash(lead.id, try await Passwords.hash(WebWorld.password), keepingSession: nil)
            _ = try await f.stores.notes.create(clientID: world.north.id, NoteDraft(text: "Nota del servicio técnico"), by: tech)
            try await world.withApp { client in
                var browser = Browser(client: client)
                _ = try await browser.login("lider@demo.test", WebWorld.password)
                let added = try await browser.send(.post, "/clients/\(world.north.id)/notes",
                                                   form: ["text": "Pide factura A", "location": "Bibliorato 3"])
                #expect(added.status == .seeOther)
                let card = String(buffer: try await browser.send(.get, "/clients/\(world.north.id)").body)
                #expect(card.contains("Pide factura A") && card.contains("Bibliorato 3") && !card.contains("Nota del servicio técnico"))
                #expect(!card.contains("/delete\" data-confirm=\"¿Eliminar? No se puede deshacer.\""))
                let report = String(buffer: try await browser.send(.get, "/notes?group=on&last3=on").body)
                #expect(report.contains("<h2>Ventas</h2>") && report.contains("Pide factura A") && !report.contains("servicio técnico"))
                #expect(report.contains("name=\"last3\" checked") && report.contains("name=\"group\" checked"))
                // Unticked boxes show unticked (the report is not limited to the last three then).
                let plain = String(buffer: try await browser.send(.get, "/notes").body)
                #expect(plain.contains("name=\"last3\">") && plain.contains("name=\"group\">"))
                let csv = String(buffer: try await browser.send(.get, "/notes/export?format=csv&bom=0").body)
                #expect(csv.contains(";Líder Ventas;Ventas;Pide factura A;Bibliorato 3;"))

                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                let sellerCard = String(buffer: try await seller.send(.get, "/clients/\(world.north.id)").body)
                #expect(sellerCard.contains("Solo los usuarios con departamento pueden escribir notas."))
                #expect(try await seller.send(.post, "/clients/\(world.north.id)/notes", form: ["text": "x"]).status == .forbidden)
            }
        }
    }

    @Test("the API writes, patches and (at level 1) deletes notes")
    func api() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let sales = try await f.stores.organisation.createDepartment(name: "Ventas", by: nil)
            let writer = try await f.user("escribe@demo.test", level: .department, department: sales)
            let (_, writerToken) = try await f.stores.tokens.create(userID: writer.id, name: "t")
            let boss = try await f.user("jefe@demo.test", roles: ["admin"], level: .company, department: sales)
            let (_, bossToken) = try await f.stores.tokens.create(userID: boss.id, name: "t")
            try await world.withApp { client in
                var headers: HTTPFields = [.authorization: "Bearer \(writerToken)", .contentType: "application/json"]
                let created = try await client.execute(uri: "/api/v1/notes", method: .post, headers: headers,
                                                       body: ByteBuffer(string: "{\"clientId\": \(world.north.id), \"text\": \"Llamar al contador\"}"))
                #expect(created.status == .created)
                let id = (try JSONSerialization.jsonObject(with: Data(buffer: created.body)) as! [String: Any])["id"] as! Int
                headers[.ifMatch] = "\"1\""
                let patched = try await client.execute(uri: "/api/v1/notes/\(id)", method: .patch, headers: headers,
                                                       body: ByteBuffer(string: "{\"treatment\": \"Llamado\"}"))
                #expect(patched.status == .ok && String(buffer: patched.body).contains("\"treatment\":\"Llamado\""))
                #expect(try await client.execute(uri: "/api/v1/notes/\(id)", method: .delete, headers: headers).status == .forbidden)
                let boss: HTTPFields = [.authorization: "Bearer \(bossToken)"]
                #expect(try await client.execute(uri: "/api/v1/notes/\(id)", method: .delete, headers: boss).status == .noContent)
                #expect(try await client.execute(uri: "/api/v1/notes/\(id)", method: .get, headers: boss).status == .notFound)
            }
        }
    }
}
