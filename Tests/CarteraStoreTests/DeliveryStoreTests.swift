import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Deliveries")
struct DeliveryStoreTests {
    @Test("a delivery names items by code with quantities, moves from scheduled to delivered, and stays with its client's scope")
    func deliveries() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let supplies = try await f.stores.masterData.createTable(name: "Insumos", by: f.admin)
            _ = try await f.stores.masterData.createItem(supplies.id, MasterItemDraft(code: "BID-20", description: "Bidón de agua 20 l", unit: "u"),
                                                         prices: [:], by: f.admin)
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let seller = try await f.user("vendedor@demo.test", groups: [north])
            let client = try await f.client("Oficinas Centro")
            let date = CalendarDate("2026-09-23")!
            await #expect(throws: ValidationFailure([FieldError("lines", "unknown_item", ["NOPE"]), FieldError("lines", "invalid_quantity", ["BID-20"])])) {
                try await f.stores.deliveries.create(clientID: client.id, DeliveryDraft(date: date, tableID: supplies.id, lines: [
                    .init(code: "NOPE", quantity: "1"), .init(code: "BID-20", quantity: "-2")]), by: f.admin)
            }
            await #expect(throws: ValidationFailure([FieldError("lines", "required")])) {
                try await f.stores.deliveries.create(clientID: client.id, DeliveryDraft(date: date, tableID: supplies.id, lines: []), by: f.admin)
            }
            let made = try await f.stores.deliveries.create(clientID: client.id, DeliveryDraft(
                date: date, notes: "Dejar en recepción", tableID: supplies.id, lines: [.init(code: "bid-20", quantity: "6")]), by: f.admin)
            #expect(made.lines.map(\.description) == ["Bidón de agua 20 l"] && made.lines[0].quantityMilli == 6000)
            var done = made.draft
            done.status = .delivered
            let delivered = try await f.stores.deliveries.update(made.id, done, expectedVersion: made.version, by: f.admin)
            #expect(delivered.draft.status == .delivered)
            await #expect(throws: StoreError.versionConflict(current: delivered.version)) {
                try await f.stores.deliveries.update(made.id, done, expectedVersion: made.version, by: f.admin)
            }
            #expect(try await f.stores.deliveries.list(DeliveryQuery(status: .delivered, from: date, to: date), by: f.admin).count == 1)
            #expect(try await f.stores.deliveries.list(DeliveryQuery(from: CalendarDate("2026-09-24")), by: f.admin).isEmpty)
            #expect(try await f.stores.deliveries.list(DeliveryQuery(), by: seller).isEmpty)
            #expect(try await f.stores.deliveries.delivery(made.id, by: seller) == nil)
            #expect(try await f.stores.clients.history(client.id, by: f.admin).filter { $0.entity == "delivery" }.map(\.action) == ["delivered", "create"])
        }
    }
}
