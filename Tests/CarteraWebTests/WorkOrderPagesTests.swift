import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Work orders in the browser and the API")
struct WorkOrderPagesTests {
    @Test("an order assigned to the seller opens their view of its client; a service typed badly keeps its text; finished, then verified by the admin")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let order = try await f.stores.workOrders.create(clientID: world.south.id, WorkOrderDraft(
                priority: .urgent, assigneeID: world.seller.id, description: "El compresor pierde gas"), by: f.admin)
            let hidden = try await f.stores.workOrders.create(clientID: world.south.id, WorkOrderDraft(description: "Interna"), by: f.admin)
            try await world.withApp { client in
                var browser = Browser(client: client)
                _ = try await browser.login("vendedor@demo.test", WebWorld.password)
                // The south client is outside the seller's groups, but the order makes it visible.
                let card = try await browser.send(.get, "/clients/\(world.south.id)")
                #expect(card.status == .ok && !String(buffer: card.body).contains("Última visita"))
                #expect(try await browser.send(.get, "/work-orders/\(hidden.id)").status == .notFound)
                let mine = String(buffer: try await browser.send(.get, "/work-orders").body)
                #expect(mine.contains("El compresor pierde gas") && !mine.contains("Interna"))
                let base = "/work-orders/\(order.id)"
                let bad = try await browser.send(.post, base + "/services", form: ["version": "1", "date": "2026-09-21", "time": "9:7",
                                                                                  "detail": "Cargué gas"])
                let badPage = String(buffer: bad.body)
                #expect(bad.status == .unprocessableContent && badPage.contains("Cargué gas") && badPage.contains("«Hora»"))
                let saved = try await browser.send(.post, base + "/services", form: ["version": "1", "date": "2026-09-21", "time": "09:30",
                                                                                    "detail": "Cargué gas", "finishes": "on"])
                #expect(saved.status == .seeOther)
                // The finished order is the client's last visit, shown on its card.
                #expect(String(buffer: try await browser.send(.get, "/clients/\(world.south.id)").body).contains("Última visita"))
                let page = String(buffer: try await browser.send(.get, base).body)
                #expect(page.contains("Terminada") && page.contains("Cargué gas") && page.contains("Servicio registrado"))
                #expect(!page.contains("/verify"))   // the seller may not verify
                #expect(try await browser.send(.post, base + "/verify", form: ["version": "2", "rating": "5", "closed": "on"]).status == .forbidden)
                // Concept search, without accents, over the description and the services.
                let found = String(buffer: try await browser.send(.get, "/work-orders?status=all&q=cargue+compresor").body)
                #expect(found.contains("El compresor pierde gas"))
                #expect(!String(buffer: try await browser.send(.get, "/work-orders?status=all&q=caldera").body).contains("El compresor"))
                let byNumber = try await browser.send(.get, "/work-orders?number=\(order.orderNumber)")
                #expect(byNumber.status == .seeOther && byNumber.headers[.location] == base)
                #expect(try await browser.send(.get, "/work-orders?number=\(hidden.orderNumber)").status == .unprocessableContent)

                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                let noReason = try await admin.send(.post, base + "/verify", form: ["version": "2", "rating": "2", "comments": ""])
                #expect(noReason.status == .unprocessableContent && String(buffer: noReason.body).contains("Comentarios del cliente"))
                let stale = try await admin.send(.post, base + "/verify", form: ["version": "1", "rating": "5", "closed": "on"])
                #expect(stale.status == .conflict)
                #expect(try await admin.send(.post, base + "/verify", form: ["version": "2", "rating": "5", "closed": "on",
                                                                            "comments": "Conforme"]).status == .seeOther)
                let verified = String(buffer: try await admin.send(.get, base).body)
                #expect(verified.contains("Verificada (cerrada)") && verified.contains("★★★★★") && !verified.contains("Registrar servicio"))
                let history = String(buffer: try await admin.send(.get, "/clients/\(world.south.id)/history").body)
                #expect(history.contains("Orden verificada") && history.contains("Orden terminada"))
                let services = String(buffer: try await admin.send(.get, "/clients/\(world.south.id)/history?kind=services").body)
                #expect(services.contains("<strong>Orden terminada</strong>") && !services.contains("<strong>Orden creada</strong>")
                        && !services.contains("<strong>Orden verificada</strong>"))
                let visits = String(buffer: try await admin.send(.get, "/clients/\(world.south.id)/history?kind=visits").body)
                #expect(visits.contains("<strong>Orden terminada</strong>") && !visits.contains("<strong>Contacto"))
                let report = String(buffer: try await admin.send(.get, "/work-orders/report").body)
                #expect(report.contains("Por estado") && report.contains(">Verificada (cerrada)</td>") && report.contains(">5,0</td>"))
                let reportCSV = String(buffer: try await admin.send(.get, "/work-orders/report?download=csv&status=all").body)
                #expect(reportCSV.contains("Total;Total;2;1;") && reportCSV.contains("Por responsable;Vendedor Norte;1;1;"))
                let csv = try await admin.send(.get, "/work-orders/export?format=csv&status=all&person=all&bom=0")
                let text = String(buffer: csv.body)
                #expect(csv.status == .ok && text.hasPrefix("N.º de orden;Estado;Prioridad;"))
                #expect(text.contains("Verificada (cerrada);Urgente;") && text.contains(";El compresor pierde gas;"))
                #expect(text.split(whereSeparator: \.isNewline).last?.hasSuffix(";5") == true)
            }
        }
    }

    @Test("a rule made in the browser reads as a sentence and its orders appear; a rule that does not parse names its field")
    func recurringInBrowser() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            try await world.withApp { client in
                var browser = Browser(client: client)
                _ = try await browser.login("admin@demo.test", WebWorld.password)
                let base = "/clients/\(world.north.id)/recurring-orders"
                let form = ["startDate": "2026-09-25", "startTime": "11:00", "freq": "WEEKLY", "interval": "2", "byday": "FR",
                            "ends": "never", "priority": "normal", "description": "Limpieza de filtros", "monthMode": "day"]
                let created = try await browser.send(.post, base, form: form)
                #expect(created.status == .seeOther)
                let location = try #require(created.headers[.location])
                let page = String(buffer: try await browser.send(.get, location).body)
                #expect(page.contains("cada 2 semanas, los viernes a las 11:00") && page.contains("Limpieza de filtros"))
                #expect(page.contains("Órdenes pendientes que generó"))
                let card = String(buffer: try await browser.send(.get, "/clients/\(world.north.id)").body)
                #expect(card.contains("cada 2 semanas, los viernes a las 11:00"))
                var bad = form
                bad["advanced"] = "FREQ=HOURLY"
                let refused = try await browser.send(.post, base, form: bad)
                #expect(refused.status == .unprocessableContent && String(buffer: refused.body).contains("no es una regla de repetición válida"))
            }
        }
    }

    @Test("the API creates, patches with If-Match, registers services, verifies and lists orders and rules within the scope")
    func api() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let hidden = try await f.stores.workOrders.create(clientID: world.south.id, WorkOrderDraft(description: "Interna"), by: f.admin)
            let (_, sellerToken) = try await f.stores.tokens.create(userID: world.seller.id, name: "test")
            let (_, adminToken) = try await f.stores.tokens.create(userID: f.admin.id, name: "test")
            try await world.withApp { client in
                var headers: HTTPFields = [.authorization: "Bearer \(sellerToken)", .contentType: "application/json"]
                #expect(try await client.execute(uri: "/api/v1/work-orders/\(hidden.id)", method: .get, headers: headers).status == .notFound)
                let outside = try await client.execute(uri: "/api/v1/work-orders", method: .post, headers: headers, body: ByteBuffer(
                    string: "{\"clientId\": \(world.south.id), \"description\": \"x\"}"))
                #expect(outside.status == .unprocessableContent && String(buffer: outside.body).contains("clientId"))
                let created = try await client.execute(uri: "/api/v1/work-orders", method: .post, headers: headers, body: ByteBuffer(
                    string: "{\"clientId\": \(world.north.id), \"description\": \"Revisar bomba\", \"priority\": \"high\", \"appointmentAt\": \"2026-09-22T10:00:00-03:00\"}"))
                #expect(created.status == .created)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: created.body)) as! [String: Any]
                let id = json["id"] as! Int
                #expect(json["status"] as? String == "open" && json["orderNumber"] as? Int == 2 && json["priority"] as? String == "high")
                #expect(try await client.execute(uri: "/api/v1/work-orders/\(id)", method: .patch, headers: headers,
                                                 body: ByteBuffer(string: "{\"description\": \"y\"}")).status == .preconditionRequired)
                headers[.ifMatch] = "\"1\""
                let patched = try await client.execute(uri: "/api/v1/work-orders/\(id)", method: .patch, headers: headers,
                                                       body: ByteBuffer(string: "{\"description\": \"Revisar la bomba de agua\", \"priority\": \"nope\"}"))
                #expect(patched.status == .unprocessableContent && String(buffer: patched.body).contains("priority"))
                let ok = try await client.execute(uri: "/api/v1/work-orders/\(id)", method: .patch, headers: headers,
                                                  body: ByteBuffer(string: "{\"description\": \"Revisar la bomba de agua\"}"))
                #expect(ok.status == .ok && ok.headers[.eTag] == "\"2\"")
                headers[.ifMatch] = nil
                let service = try await client.execute(uri: "/api/v1/work-orders/\(id)/services", method: .post, headers: headers,
                                                       body: ByteBuffer(string: "{\"detail\": \"Cambié el sello\", \"finishes\": true}"))
                #expect(service.status == .created && String(buffer: service.body).contains("\"status\":\"finished\""))
                let services = String(buffer: try await client.execute(uri: "/api/v1/work-orders/\(id)/services", method: .get, headers: headers).body)
                #expect(services.contains("Cambié el sello") && services.contains("\"finishes\":true"))
                // The seller may not verify; the admin may.
                headers[.ifMatch] = "\"3\""
                #expect(try await client.execute(uri: "/api/v1/work-orders/\(id)/verify", method: .post, headers: headers,
                                                 body: ByteBuffer(string: "{\"rating\": 4}")).status == .forbidden)
                var adminHeaders = headers
                adminHeaders[.authorization] = "Bearer \(adminToken)"
                let verified = try await client.execute(uri: "/api/v1/work-orders/\(id)/verify", method: .post, headers: adminHeaders,
                                                        body: ByteBuffer(string: "{\"rating\": 4, \"closed\": true}"))
                #expect(verified.status == .ok && String(buffer: verified.body).contains("\"rating\":4"))
                headers[.ifMatch] = nil
                let list = String(buffer: try await client.execute(uri: "/api/v1/work-orders?q=bomba&status=verified", method: .get, headers: headers).body)
                #expect(list.contains("Revisar la bomba de agua") && !list.contains("Interna"))
                #expect(try await client.execute(uri: "/api/v1/work-orders?status=later", method: .get, headers: headers).status == .unprocessableContent)

                let rule = try await client.execute(uri: "/api/v1/recurring-orders", method: .post, headers: headers, body: ByteBuffer(
                    string: "{\"clientId\": \(world.north.id), \"rule\": \"FREQ=MONTHLY;BYDAY=-1MO\", \"startDate\": \"2026-09-28\", \"startTime\": \"08:30\", \"description\": \"Cambio de filtros\"}"))
                #expect(rule.status == .created)
                let ruleJSON = try JSONSerialization.jsonObject(with: Data(buffer: rule.body)) as! [String: Any]
                #expect(ruleJSON["sentence"] as? String == "cada mes, el último lunes a las 08:30")
                #expect(ruleJSON["timeZone"] as? String == "America/Argentina/Buenos_Aires")
                let ruleID = ruleJSON["id"] as! Int
                let made = String(buffer: try await client.execute(uri: "/api/v1/work-orders?recurringOrderId=\(ruleID)", method: .get,
                                                                   headers: headers).body)
                #expect(made.contains("Cambio de filtros"))
                var ruleHeaders = headers
                ruleHeaders[.ifMatch] = "\"1\""
                let badRule = try await client.execute(uri: "/api/v1/recurring-orders/\(ruleID)", method: .patch, headers: ruleHeaders,
                                                       body: ByteBuffer(string: "{\"rule\": \"FREQ=SOMETIMES\"}"))
                #expect(badRule.status == .unprocessableContent && String(buffer: badRule.body).contains("invalid_rule"))
                let ended = try await client.execute(uri: "/api/v1/recurring-orders/\(ruleID)/end", method: .post, headers: ruleHeaders)
                #expect(ended.status == .ok && String(buffer: ended.body).contains("\"ended\":true"))
                let rules = String(buffer: try await client.execute(uri: "/api/v1/clients/\(world.north.id)/recurring-orders", method: .get,
                                                                    headers: headers).body)
                #expect(rules.contains("FREQ=MONTHLY;BYDAY=-1MO"))
                // The south client is outside the seller's groups: its rules answer 404.
                #expect(try await client.execute(uri: "/api/v1/clients/\(world.south.id)/recurring-orders", method: .get,
                                                 headers: headers).status == .notFound)
            }
        }
    }
}
