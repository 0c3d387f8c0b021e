import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Master databases in administration")
struct MasterDataPagesTests {
    @Test("a table gets a column, items with prices per list; a CSV is checked, then imported; the download reads back the same")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            try await world.withApp { client in
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                #expect(try await admin.send(.post, "/admin/price-lists", form: ["name": "Minorista"]).status == .seeOther)
                #expect(try await admin.send(.post, "/admin/master-tables", form: ["name": "Productos"]).status == .seeOther)
                let table = try #require(try await world.fixture.stores.masterData.tables().first)
                let list = try #require(try await world.fixture.stores.masterData.priceLists().first)
                let base = "/admin/master-tables/\(table.id)"
                #expect(try await admin.send(.post, base + "/fields", form: ["version": "1", "labelEs": "Marca", "type": "text"]).status == .seeOther)
                let bad = try await admin.send(.post, base + "/items", form: ["code": "GAS-1", "description": "Gas R410A", "active": "on",
                                                                              "price_\(list.id)": "mucho"])
                #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("«Minorista» no es un importe válido"))
                #expect(try await admin.send(.post, base + "/items", form: ["code": "GAS-1", "description": "Gas R410A", "unit": "kg",
                                                                           "f_marca": "Chemours", "active": "on", "price_\(list.id)": "18.500,50"]).status == .seeOther)
                let page = String(buffer: try await admin.send(.get, base).body)
                #expect(page.contains("GAS-1") && page.contains("Minorista: 18.500,50"))

                let csv = "Código;Descripción;Unidad;Marca;Minorista\nGAS-1;;;;19000\nFIL-1;Filtro;u;Genérica;1.250,00\nFIL-2;;u;;x\n"
                let checked = try await admin.upload(base + "/import", csv: csv, fields: ["commit": "0"])
                #expect(checked.status == .unprocessableContent)
                let checkedPage = String(buffer: checked.body)
                #expect(checkedPage.contains("Fila 4: «Descripción» es obligatorio") && checkedPage.contains("Fila 4: «Minorista» no es un importe válido"))
                let fixed = csv.replacingOccurrences(of: "FIL-2;;u;;x", with: "FIL-2;Filtro fino;u;;990")
                let imported = try await admin.upload(base + "/import", csv: fixed, fields: ["commit": "1"])
                #expect(imported.status == .ok && String(buffer: imported.body).contains("Importado: 2 nuevos, 1 actualizados, 0 sin cambios."))
                let items = try await world.fixture.stores.masterData.items(table.id)
                #expect(items.map(\.item.draft.code) == ["FIL-1", "FIL-2", "GAS-1"])
                #expect(items.last?.prices[list.id]?.minor == 1_900_000 && items.last?.item.draft.values["marca"] == .text("Chemours"))

                let download = String(buffer: try await admin.send(.get, base + "/export?format=csv&bom=0").body)
                #expect(download.hasPrefix("Código;Descripción;Unidad;Marca;Minorista;Activo"))
                #expect(download.contains("GAS-1;Gas R410A;kg;Chemours;19000;Sí"))
                // The download imports back without changing anything.
                let again = try await admin.upload(base + "/import", csv: download, fields: ["commit": "1"])
                #expect(String(buffer: again.body).contains("Importado: 0 nuevos, 0 actualizados, 3 sin cambios."))
                let history = try await world.fixture.stores.masterData.items(table.id)
                #expect(history.map(\.item.version) == items.map(\.item.version))

                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                #expect(try await seller.send(.get, base).status == .forbidden)
            }
        }
    }

    @Test("the API lists tables and price lists, creates an item with prices, and a price change needs the current If-Match")
    func api() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let table = try await f.stores.masterData.createTable(name: "Productos", by: f.admin)
            let retail = try await f.stores.masterData.createPriceList(name: "Minorista", by: f.admin)
            let wholesale = try await f.stores.masterData.createPriceList(name: "Mayorista", by: f.admin)
            let (_, adminToken) = try await f.stores.tokens.create(userID: f.admin.id, name: "erp")
            let (_, sellerToken) = try await f.stores.tokens.create(userID: world.seller.id, name: "test")
            try await world.withApp { client in
                var headers: HTTPFields = [.authorization: "Bearer \(adminToken)", .contentType: "application/json"]
                let sellerHeaders: HTTPFields = [.authorization: "Bearer \(sellerToken)", .contentType: "application/json"]
                #expect(String(buffer: try await client.execute(uri: "/api/v1/master-tables", method: .get, headers: sellerHeaders).body)
                    .contains("\"name\":\"Productos\""))
                #expect(String(buffer: try await client.execute(uri: "/api/v1/price-lists", method: .get, headers: sellerHeaders).body)
                    .contains("\"name\":\"Mayorista\""))
                let item = "{\"code\": \"GAS-1\", \"description\": \"Gas R410A\", \"unit\": \"kg\", \"prices\": {\"\(retail.id)\": 1850050, \"\(wholesale.id)\": 1500000}}"
                #expect(try await client.execute(uri: "/api/v1/master-tables/\(table.id)/items", method: .post, headers: sellerHeaders,
                                                 body: ByteBuffer(string: item)).status == .forbidden)
                let badList = try await client.execute(uri: "/api/v1/master-tables/\(table.id)/items", method: .post, headers: headers,
                                                       body: ByteBuffer(string: "{\"code\": \"X\", \"description\": \"X\", \"prices\": {\"999\": 5}}"))
                #expect(badList.status == .unprocessableContent && String(buffer: badList.body).contains("prices.999"))
                let made = try await client.execute(uri: "/api/v1/master-tables/\(table.id)/items", method: .post, headers: headers,
                                                    body: ByteBuffer(string: item))
                #expect(made.status == .created && String(buffer: made.body).contains("\"\(retail.id)\":1850050"))
                let duplicate = try await client.execute(uri: "/api/v1/master-tables/\(table.id)/items", method: .post, headers: headers,
                                                         body: ByteBuffer(string: item.replacingOccurrences(of: "GAS-1", with: "gas-1")))
                #expect(duplicate.status == .unprocessableContent && String(buffer: duplicate.body).contains("\"code\""))
                let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: made.body)) as? [String: Any])?["id"] as? Int)
                let found = String(buffer: try await client.execute(uri: "/api/v1/master-tables/\(table.id)/items?q=r410", method: .get,
                                                                    headers: sellerHeaders).body)
                #expect(found.contains("GAS-1"))
                // A price change alone is a new version: a second writer holding the old ETag is refused, not silently overwritten.
                headers[.ifMatch] = "\"1\""
                let repriced = try await client.execute(uri: "/api/v1/master-items/\(id)", method: .patch, headers: headers,
                                                        body: ByteBuffer(string: "{\"prices\": {\"\(retail.id)\": 1990000, \"\(wholesale.id)\": null}}"))
                let repriced_ = String(buffer: repriced.body)
                #expect(repriced.status == .ok && repriced_.contains("\"\(retail.id)\":1990000") && !repriced_.contains("\"\(wholesale.id)\":")
                        && repriced.headers[.eTag] == "\"2\"")
                #expect(try await client.execute(uri: "/api/v1/master-items/\(id)", method: .patch, headers: headers,
                                                 body: ByteBuffer(string: "{\"prices\": {\"\(retail.id)\": 1}}")).status == .preconditionFailed)
                let stored = try #require(try await f.stores.masterData.item(MasterItem.ID(Int64(id))))
                #expect(stored.prices[retail.id]?.minor == 1990000 && stored.prices[wholesale.id] == nil && stored.item.draft.unit == "kg")
            }
        }
    }
}
