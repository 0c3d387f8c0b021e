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
                #expect(csv.contains("2026-09-23;Entregada;\(world.north.clientNumber);Ferretería del Norte;BID-20;Bidón 20 l;6;u;Recepción"))
                #expect(try await seller.send(.get, "/deliveries?client=\(world.south.clientNumber)").status == .unprocessableContent)
            }
        }
    }
}
