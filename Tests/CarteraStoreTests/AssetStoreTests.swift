import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Assets and their kinds")
struct AssetStoreTests {
    @Test("a kind's typed fields check the asset's values; assets are found by words, seen with their client, and named on orders")
    func kindsAndAssets() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let kinds = f.stores.assetKinds
            var air = try await kinds.create(name: "Aire acondicionado", by: nil)
            await #expect(throws: ValidationFailure([FieldError("name", "duplicate")])) { try await kinds.create(name: "AIRE acondicionado", by: nil) }
            air = try await kinds.addField(air.id, labelES: "Marca", labelEN: "Brand", type: .choice, required: true,
                                           choices: ["Surrey", "Carrier"], expectedVersion: air.version, by: nil)
            air = try await kinds.addField(air.id, labelES: "Instalado el", labelEN: "Installed on", type: .date, required: false,
                                           choices: [], expectedVersion: air.version, by: nil)
            await #expect(throws: ValidationFailure([FieldError("labelEs", "duplicate")])) {
                try await kinds.addField(air.id, labelES: "marca", labelEN: "", type: .text, required: false, choices: [],
                                         expectedVersion: air.version, by: nil)
            }
            #expect(air.fields.map(\.key) == ["marca", "instalado_el"])

            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let seller = try await f.user("vendedor@demo.test", groups: [north])
            let hotel = try await f.client("Hotel Andino", group: north)
            let bodega = try await f.client("Bodega Río")
            await #expect(throws: ValidationFailure([FieldError("customFields.marca", "invalid_choice"),
                                                     FieldError("customFields.instalado_el", "invalid_date")])) {
                try await f.stores.assets.create(clientID: hotel.id, AssetDraft(kindID: air.id, name: "Split sala",
                    values: ["marca": .text("Otra"), "instalado_el": .text("ayer")]), by: f.admin)
            }
            let split = try await f.stores.assets.create(clientID: hotel.id, AssetDraft(
                kindID: air.id, name: "Split sala de reuniones", serial: "SR-4471",
                values: ["marca": .text("Surrey"), "instalado_el": .text("2025-03-14")]), by: f.admin)
            let cellar = try await f.stores.assets.create(clientID: bodega.id, AssetDraft(
                kindID: air.id, name: "Equipo de la cava", values: ["marca": .text("Carrier")]), by: f.admin)
            func names(_ q: AssetQuery, _ viewer: Viewer) async throws -> [String] {
                try await f.stores.assets.list(q, by: viewer).map(\.asset.draft.name)
            }
            #expect(try await names(AssetQuery(search: "surrey"), f.admin) == ["Split sala de reuniones"])
            #expect(try await names(AssetQuery(search: "sr 4471"), f.admin) == ["Split sala de reuniones"])
            #expect(try await names(AssetQuery(search: "aire"), f.admin) == ["Equipo de la cava", "Split sala de reuniones"])
            // Rule 1: the seller sees the assets of their group's clients only.
            #expect(try await names(AssetQuery(), seller) == ["Split sala de reuniones"])
            #expect(try await f.stores.assets.asset(cellar.id, by: seller) == nil)
            #expect(try await f.stores.assets.count(AssetQuery(kindID: air.id), by: f.admin) == 2)

            // Orders name assets of their own client only; archived ones are not offered to new orders.
            await #expect(throws: ValidationFailure([FieldError("assetIds", "unknown_reference")])) {
                try await f.stores.workOrders.create(clientID: hotel.id, WorkOrderDraft(description: "x", assetIDs: [cellar.id]), by: f.admin)
            }
            let order = try await f.stores.workOrders.create(clientID: hotel.id, WorkOrderDraft(
                description: "No enfría", assetIDs: [split.id, split.id]), by: f.admin)
            #expect(order.draft.assetIDs == [split.id])
            #expect(try await f.stores.workOrders.list(WorkOrderQuery(clientID: hotel.id), by: f.admin).first?.order.draft.assetIDs == [split.id])
            let archived = try await f.stores.assets.setArchived(split.id, true, expectedVersion: split.version, by: f.admin)
            #expect(try await names(AssetQuery(clientID: hotel.id), f.admin).isEmpty)
            await #expect(throws: ValidationFailure([FieldError("assetIds", "unknown_reference")])) {
                try await f.stores.workOrders.create(clientID: hotel.id, WorkOrderDraft(description: "y", assetIDs: [split.id]), by: f.admin)
            }
            // …but an order that already names it keeps it through an edit.
            var edited = order.draft
            edited.description = "No enfría; gotea"
            #expect(try await f.stores.workOrders.update(order.id, edited, expectedVersion: order.version, by: f.admin).draft.assetIDs == [split.id])
            await #expect(throws: StoreError.versionConflict(current: archived.version)) {
                try await f.stores.assets.update(split.id, split.draft, expectedVersion: split.version, by: f.admin)
            }
            let history = try await f.stores.clients.history(hotel.id, by: f.admin).filter { $0.entity == "asset" }.map(\.action)
            #expect(history == ["archive", "create"])
        }
    }
}
