import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Deliveries in the browser")
struct DeliveryPagesTests {
    @Test("scheduled from the card by item code, marked delivered on its page, listed by status and downloaded one row per line")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let supplies = try await f.stores.masterData.createTable(name: "Insumos", by: f.admin)
            _ = try await f.stores.masterData.createItem(supplies.id, MasterItemDraft(code: "BID-20", description: "Bidón 20 l", unit: "u"),
                                                         prices: [:], by: f.admin)
            try await world.withApp { client in
                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                let card = String(buffer: try await seller.send(.get, "/clients/\(world.north.id)").body)
                #expect(card.contains("<datalist id=\"items-\(supplies.id)\"><option value=\"BID-20\">Bidón 20 l</option>"))
                let base = "/clients/\(world.north.id)/deliveries"
                let bad = try await seller.send(.post, base, form: ["date": "2026-09-23", "status": "scheduled", "tableId": "\(supplies.id)",
                                                                    "code_0": "XX", "qty_0": "1"])
                #expect(bad.status == .seeOther)   // back to the card, the reason in the flash
                #expect(try await f.stores.deliveries.list(DeliveryQuery(), by: f.admin).isEmpty)
                #expect(try await seller.send(.post, base, form: ["date": "2026-09-23", "status": "scheduled", "tableId": "\(supplies.id)",
                                                                  "code_0": "bid-20", "qty_0": "6", "notes": "Recepción"]).status == .seeOther)
                let delivery = try #require(try await f.stores.deliveries.list(DeliveryQuery(), by: f.admin).first?.delivery)
                let stale = try await seller.send(.post, "/deliveries/\(delivery.id)", form: ["version": "0", "date": "2026-09-23",
                                                                                             "status": "delivered", "tableId": "\(supplies.id)",
                                                                                             "code_0": "BID-20", "qty_0": "6"])
                #expect(stale.status == .conflict)
                #expect(try await seller.send(.post, "/deliveries/\(delivery.id)", form: ["version": "1", "date": "2026-09-23", "status": "delivered",
                                                                                         "tableId": "\(supplies.id)", "code_0": "BID-20", "qty_0": "6",
                                                                                         "notes": "Recepción"]).status == .seeOther)
                let list = String(buffer: try await seller.send(.get, "/deliveries?status=delivered").body)
                #expect(list.contains("Entregada") && list.contains("6 u Bidón 20 l"))
                #expect(!String(buffer: try await seller.send(.get, "/deliveries?status=failed").body).contains("Bidón"))
                let csv = String(buffer: try await seller.send(.get, "/deliveries/export?format=csv&bom=0").body)
                #expect(csv.contains("\(delivery.id);2026-09-23;Entregada;\(world.north.clientNumber);Ferretería del Norte;BID-20;Bidón 20 l;6;u;Recepción"))
                #expect(try await seller.send(.get, "/deliveries?client=\(world.south.clientNumber)").status == .unprocessableContent)
                #expect(!String(buffer: try await seller.send(.get, "/deliveries").body).contains("/deliveries/import"))   // no import permission

                // The download imports back unchanged; a new row without a number schedules a new delivery.
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                let roundTrip = try await admin.upload("/deliveries/import", csv: csv, fields: ["tableId": "\(supplies.id)", "commit": "1"])
                #expect(roundTrip.status == .ok && String(buffer: roundTrip.body).contains("Importado: 0 nuevos, 0 actualizados, 1 sin cambios."))
                let more = csv + ";2026-10-01;Programada;\(world.south.clientNumber);;BID-20;;x;;\n"
                let refused = try await admin.upload("/deliveries/import", csv: more, fields: ["tableId": "\(supplies.id)", "commit": "1"])
                #expect(refused.status == .unprocessableContent && String(buffer: refused.body).contains("Fila 3: «Cantidad»: la cantidad de BID-20 no es válida."))
                let added = try await admin.upload("/deliveries/import", csv: more.replacingOccurrences(of: ";x;", with: ";2;"),
                                                   fields: ["tableId": "\(supplies.id)", "commit": "1"])
                #expect(added.status == .ok && String(buffer: added.body).contains("Importado: 1 nuevos, 0 actualizados, 1 sin cambios."))
                #expect(try await f.stores.deliveries.list(DeliveryQuery(clientID: world.south.id), by: f.admin).first?.delivery.lines.first?.quantityMilli == 2000)
            }
        }
    }

    @Test("the API schedules a delivery by item codes, lists it by status, patches its lines with If-Match, and keeps to the scope")
    func api() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let supplies = try await f.stores.masterData.createTable(name: "Insumos", by: f.admin)
            for (code, description) in [("BID-20", "Bidón 20 l"), ("VAS-200", "Vasos 200 cc")] {
                _ = try await f.stores.masterData.createItem(supplies.id, MasterItemDraft(code: code, description: description, unit: "u"),
                                                             prices: [:], by: f.admin)
            }
            let (_, adminToken) = try await f.stores.tokens.create(userID: f.admin.id, name: "test")
            let (_, sellerToken) = try await f.stores.tokens.create(userID: world.seller.id, name: "test")
            try await world.withApp { client in
                var headers: HTTPFields = [.authorization: "Bearer \(adminToken)", .contentType: "application/json"]
                let bad = try await client.execute(uri: "/api/v1/deliveries", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"clientId": \(world.south.id), "date": "2026-13-01", "tableId": \(supplies.id), "lines": [{"code": "BID-20", "quantity": 2}]}
                    """))
                #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("\"date\""))
                let unknown = try await client.execute(uri: "/api/v1/deliveries", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"clientId": \(world.south.id), "date": "2026-10-01", "tableId": \(supplies.id), "lines": [{"code": "NADA", "quantity": 2}]}
                    """))
                #expect(unknown.status == .unprocessableContent && String(buffer: unknown.body).contains("NADA"))
                let made = try await client.execute(uri: "/api/v1/deliveries", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"clientId": \(world.south.id), "date": "2026-10-01", "tableId": \(supplies.id), "notes": "Portón azul",
                     "lines": [{"code": "bid-20", "quantity": 2.5}, {"code": "VAS-200", "quantity": "100"}]}
                    """))
                let made_ = String(buffer: made.body)
                #expect(made.status == .created && made_.contains("\"code\":\"BID-20\"") && made_.contains("\"quantity\":2.5")
                        && made_.contains("\"status\":\"scheduled\""))
                let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: made.body)) as? [String: Any])?["id"] as? Int)
                headers[.ifMatch] = "\"1\""
                let patched = try await client.execute(uri: "/api/v1/deliveries/\(id)", method: .patch, headers: headers, body: ByteBuffer(string: """
                    {"status": "delivered", "notes": null, "lines": [{"code": "VAS-200", "quantity": 50}]}
                    """))
                let patched_ = String(buffer: patched.body)
                #expect(patched.status == .ok && patched_.contains("\"status\":\"delivered\"") && !patched_.contains("BID-20")
                        && patched_.contains("\"notes\":null") && patched.headers[.eTag] == "\"2\"")
                #expect(try await client.execute(uri: "/api/v1/deliveries/\(id)", method: .patch, headers: headers,
                                                 body: ByteBuffer(string: "{\"status\": \"failed\"}")).status == .preconditionFailed)
                let delivered = String(buffer: try await client.execute(uri: "/api/v1/deliveries?status=delivered&from=2026-10-01&to=2026-10-01",
                                                                        method: .get, headers: headers).body)
                #expect(delivered.contains("\"id\":\(id)"))
                #expect(!String(buffer: try await client.execute(uri: "/api/v1/deliveries?status=failed", method: .get, headers: headers).body)
                    .contains("\"id\":\(id)"))
                // The seller does not see the southern client: not its delivery, nor in lists, nor as a place to deliver.
                let sellerHeaders: HTTPFields = [.authorization: "Bearer \(sellerToken)", .contentType: "application/json"]
                #expect(try await client.execute(uri: "/api/v1/deliveries/\(id)", method: .get, headers: sellerHeaders).status == .notFound)
                #expect(!String(buffer: try await client.execute(uri: "/api/v1/deliveries", method: .get, headers: sellerHeaders).body)
                    .contains("\"id\":\(id)"))
                let outside = try await client.execute(uri: "/api/v1/deliveries", method: .post, headers: sellerHeaders, body: ByteBuffer(string: """
                    {"clientId": \(world.south.id), "date": "2026-10-01", "tableId": \(supplies.id), "lines": [{"code": "BID-20", "quantity": 1}]}
                    """))
                #expect(outside.status == .unprocessableContent && String(buffer: outside.body).contains("clientId"))
            }
        }
    }
}
