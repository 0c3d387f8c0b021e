import CarteraCore
import CarteraStore
import CarteraTestSupport
import CarteraWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The sales funnel in the browser and the API")
struct FunnelPagesTests {
    @Test("admin sets up a project; a lead registered by hand shows in the funnel, is followed up and aborted; downloads and scope hold")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            try await world.withApp { client in
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                let made = try await admin.send(.post, "/admin/sales/projects", form: ["name": "Torre Mirador"])
                let project = try #require(made.headers[.location])
                #expect(try await admin.send(.post, project + "/stages", form: ["kind": "stage", "name": "Etapa 1"]).status == .seeOther)
                let stage = try #require(try await f.stores.salesCatalogue.stages().first)
                #expect(try await admin.send(.post, project + "/stages", form: ["kind": "subgroup", "stage": "\(stage.id)", "name": "Torre A"]).status == .seeOther)
                #expect(try await admin.send(.post, project + "/products", form: ["name": "Depto 2D", "model": "Tipo B"]).status == .seeOther)
                #expect(try await admin.send(.post, project + "/members", form: ["userId": "\(world.seller.id)", "role": "seller"]).status == .seeOther)
                let badVideo = try await admin.send(.post, "/admin/sales/settings", form: ["version": "1", "contactDeadlineHours": "24",
                                                                                         "videoUrlTemplate": "https://meet.jit.si/sala"])
                #expect(badVideo.status == .unprocessableContent && String(buffer: badVideo.body).contains("{room}"))
                #expect(try await admin.send(.post, "/admin/sales/settings", form: ["version": "1", "contactDeadlineHours": "24",
                                                                                   "videoUrlTemplate": "https://meet.jit.si/{room}"]).status == .seeOther)
                let settingsPage = String(buffer: try await admin.send(.get, "/admin/sales").body)
                #expect(settingsPage.contains("Torre Mirador") && settingsPage.contains("Portal Inmobiliario"))

                // The seller registers a walk-in; bad input names its fields and writes nothing.
                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                let form = try await seller.send(.get, "/leads/new")
                #expect(String(buffer: form.body).contains("Torre Mirador › Etapa 1 › Torre A"))
                let projectID = try #require(try await f.stores.salesCatalogue.projects().first?.id)
                let bad = try await seller.send(.post, "/leads", form: ["name": "", "email": "sin-arroba", "projectId": "\(projectID)"])
                let badBody = String(buffer: bad.body)
                #expect(bad.status == .unprocessableContent && badBody.contains("«Nombre» es obligatorio") && badBody.contains("sin-arroba"))
                let ok = try await seller.send(.post, "/leads", form: ["name": "Lucía Quispe", "email": "lucia@correo.pe", "phone": "+51 987 111 222",
                                                                      "projectId": "\(projectID)", "stageId": "\(stage.id)", "entryType": "sales_room",
                                                                      "kind": "lead", "comment": "Vino a la sala"])
                let leadURL = try #require(ok.headers[.location])
                #expect(leadURL.hasPrefix("/leads/"))
                let leadPage = String(buffer: try await seller.send(.get, leadURL).body)
                #expect(leadPage.contains("Lucía Quispe") && leadPage.contains("Con problemas") && leadPage.contains("https://meet.jit.si/cartera-")
                        && leadPage.contains("https://wa.me/51987111222") && leadPage.contains("Vino a la sala") && leadPage.contains("id=\"discard\""))

                let leadID = try #require(Lead.ID(string: String(leadURL.dropFirst("/leads/".count))))
                let clientID = try #require(try await f.stores.leads.listing(leadID, by: f.admin)?.lead.clientID)
                let card = String(buffer: try await seller.send(.get, "/clients/\(clientID)").body)
                #expect(card.contains("id=\"leads\"") && card.contains("href=\"\(leadURL)\">Torre Mirador</a>"))

                let funnel = String(buffer: try await seller.send(.get, "/funnel").body)
                #expect(funnel.contains("Lead: 1") && funnel.contains("Lucía Quispe") && funnel.contains("<svg class=\"funnel\""))
                #expect(!String(buffer: try await seller.send(.get, "/funnel?status=not_contacted").body).contains("Lucía Quispe"))
                let csv = String(buffer: try await seller.send(.get, "/funnel/export?format=csv&bom=0&col=name&col=email&col=quality").body)
                #expect(csv.hasPrefix("Nombre y apellido;Correo electrónico;Estado de contacto") && csv.contains("Lucía Quispe;lucia@correo.pe;Con problemas"))
                #expect(String(buffer: try await seller.send(.get, "/funnel?q=987111").body).contains("Lucía Quispe"))
                #expect(!String(buffer: try await seller.send(.get, "/funnel?q=otra").body).contains("Lucía Quispe"))

                // Follow-up: the lead counts as contacted; a stale form is refused.
                let noDate = try await seller.send(.post, leadURL + "/follow-up", form: ["version": "1", "comment": "Llamé"])
                #expect(noDate.status == .unprocessableContent && String(buffer: noDate.body).contains("«Fecha de recontacto» es obligatorio"))
                #expect(try await seller.send(.post, leadURL + "/follow-up", form: ["version": "1", "recontactDate": "2026-09-25",
                                                                                    "recontactTime": "10:00", "expectation": "high",
                                                                                    "contactType": "phone", "comment": "Llamé"]).status == .seeOther)
                #expect(String(buffer: try await seller.send(.get, "/funnel?status=contacted").body).contains("Lucía Quispe"))
                #expect(try await seller.send(.post, leadURL + "/abort", form: ["version": "1", "reason": "x"]).status == .conflict)
                let noReason = try await seller.send(.post, leadURL + "/abort", form: ["version": "2", "reason": " "])
                #expect(noReason.status == .unprocessableContent && String(buffer: noReason.body).contains("«Motivo» es obligatorio"))
                #expect(try await seller.send(.post, leadURL + "/abort", form: ["version": "2", "reason": "Compró otro"]).status == .seeOther)
                #expect(String(buffer: try await seller.send(.get, "/funnel?status=aborted").body).contains("Lucía Quispe"))

                // Another agent sees none of it, and cannot reach the lead.
                let other = try await f.user("otra@demo.test", name: "Otra Agente")
                try await f.stores.users.setPasswordHash(other.id, try await Passwords.hash(WebWorld.password), keepingSession: nil)
                var outsider = Browser(client: client)
                _ = try await outsider.login("otra@demo.test", WebWorld.password)
                #expect(try await outsider.send(.get, leadURL).status == .notFound)
                #expect(try await outsider.send(.post, leadURL + "/abort", form: ["version": "3", "reason": "x"]).status == .notFound)
                #expect(!String(buffer: try await outsider.send(.get, "/funnel").body).contains("Lucía Quispe"))
                let outsiderCSV = String(buffer: try await outsider.send(.get, "/funnel/export?format=csv&bom=0&status=aborted").body)
                #expect(outsiderCSV.contains(";") && !outsiderCSV.contains("Lucía Quispe"))
                #expect(try await seller.send(.get, "/admin/sales").status == .forbidden)
            }
        }
    }

    @Test("a web quoter posts leads with an Idempotency-Key; they land deduplicated with the project's sellers in turn; actions need If-Match")
    func api() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let project = try await f.stores.salesCatalogue.createProject(name: "Condominio Sur", by: f.admin)
            let second = try await f.user("segundo@demo.test", name: "Segundo Vendedor")
            try await f.stores.salesCatalogue.setMember(project, user: world.seller.id, role: .seller, by: f.admin)
            try await f.stores.salesCatalogue.setMember(project, user: second.id, role: .seller, by: f.admin)
            let (_, adminToken) = try await f.stores.tokens.create(userID: f.admin.id, name: "cotizador")
            let (_, sellerToken) = try await f.stores.tokens.create(userID: world.seller.id, name: "t")
            try await world.withApp { client in
                var headers: HTTPFields = [.authorization: "Bearer \(adminToken)", .contentType: "application/json"]
                headers[.init("Idempotency-Key")!] = "web-1"
                let body = "{\"name\": \"Pedro Ramos\", \"email\": \"pedro@correo.pe\", \"projectId\": \(project), \"kind\": \"quote\"}"
                let first = try await client.execute(uri: "/api/v1/leads", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(first.status == .created)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: first.body)) as? [String: Any])
                let leadID = try #require(json["leadId"] as? Int)
                #expect(json["responsibleId"] as? Int == Int(world.seller.id.rawValue))
                let again = try await client.execute(uri: "/api/v1/leads", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(again.status == .created && again.headers[.init("Idempotent-Replayed")!] == "true")
                #expect((try JSONSerialization.jsonObject(with: Data(buffer: again.body)) as? [String: Any])?["leadId"] as? Int == leadID)
                let reused = try await client.execute(uri: "/api/v1/leads", method: .post, headers: headers,
                                                      body: ByteBuffer(string: "{\"name\": \"Otro\", \"projectId\": \(project)}"))
                #expect(reused.status == .unprocessableContent && String(buffer: reused.body).contains("idempotency_key_reused"))
                headers[.init("Idempotency-Key")!] = nil
                let invalid = try await client.execute(uri: "/api/v1/leads", method: .post, headers: headers,
                                                       body: ByteBuffer(string: "{\"name\": \"\", \"email\": \"x\", \"kind\": \"visit\"}"))
                let problem = String(buffer: invalid.body)
                #expect(invalid.status == .unprocessableContent && invalid.headers[.contentType] == "application/problem+json"
                        && problem.contains("projectId") && problem.contains("email") && problem.contains("\"kind\""))
                // The next new person goes to the other seller; the same person again stays with theirs.
                let next = try await client.execute(uri: "/api/v1/leads", method: .post, headers: headers,
                                                    body: ByteBuffer(string: "{\"name\": \"Ana Torres\", \"phone\": \"999 888 777\", \"projectId\": \(project)}"))
                #expect(String(buffer: next.body).contains("\"responsibleId\":\(second.id)"))
                let same = try await client.execute(uri: "/api/v1/leads", method: .post, headers: headers,
                                                    body: ByteBuffer(string: "{\"name\": \"Pedro R.\", \"email\": \"PEDRO@correo.pe\", \"projectId\": \(project)}"))
                #expect(String(buffer: same.body).contains("\"matchedBy\":\"email\"") && String(buffer: same.body).contains("\"leadId\":\(leadID)"))

                let funnel = String(buffer: try await client.execute(uri: "/api/v1/funnel?projectId=\(project)", method: .get, headers: headers).body)
                #expect(funnel.contains("{\"categories\":{\"other\":1,\"portals\":0,\"social\":0,\"web\":0},\"phase\":\"lead\",\"statuses\":{\"to_contact\":1},\"total\":1}"))
                #expect(funnel.contains("\"phase\":\"quote\",\"statuses\":{\"to_contact\":1},\"total\":1"))

                // The seller works their lead through the API; the other seller's is not theirs to see.
                var mine: HTTPFields = [.authorization: "Bearer \(sellerToken)", .contentType: "application/json"]
                let list = String(buffer: try await client.execute(uri: "/api/v1/leads?phase=quote", method: .get, headers: mine).body)
                #expect(list.contains("Pedro Ramos") && !list.contains("Ana Torres"))
                #expect(try await client.execute(uri: "/api/v1/leads/\(leadID)/follow-ups", method: .post, headers: mine,
                                                 body: ByteBuffer(string: "{\"recontactAt\": \"2026-09-25T10:00:00-03:00\"}")).status == .preconditionRequired)
                mine[.ifMatch] = "\"2\""
                let followed = try await client.execute(uri: "/api/v1/leads/\(leadID)/follow-ups", method: .post, headers: mine,
                                                        body: ByteBuffer(string: "{\"recontactAt\": \"2026-09-25T10:00:00-03:00\", \"comment\": \"Llamé\"}"))
                #expect(followed.status == .ok && String(buffer: followed.body).contains("\"lastContactAt\""))
                #expect(try await client.execute(uri: "/api/v1/leads/\(leadID)/abort", method: .post, headers: mine,
                                                 body: ByteBuffer(string: "{\"reason\": \"x\"}")).status == .preconditionFailed)
                let client_ = try #require(json["clientId"] as? Int)
                let interactions = String(buffer: try await client.execute(uri: "/api/v1/clients/\(client_)/interactions", method: .get, headers: mine).body)
                #expect(interactions.contains("\"kind\":\"follow_up\"") && interactions.contains("\"kind\":\"quote\""))
                let others = try #require(try JSONSerialization.jsonObject(with: Data(buffer: next.body)) as? [String: Any])
                #expect(try await client.execute(uri: "/api/v1/leads/\(others["leadId"] as! Int)", method: .get, headers: mine).status == .notFound)
            }
        }
    }
}
