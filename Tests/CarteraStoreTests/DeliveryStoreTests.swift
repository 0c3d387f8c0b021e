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

    @Test("an import groups rows into deliveries, replaces named ones, reports every bad cell by row, and writes nothing until all are good")
    func importing() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let supplies = try await f.stores.masterData.createTable(name: "Insumos", by: f.admin)
            for (code, description) in [("BID-20", "Bidón 20 l"), ("VAS-200", "Vasos 200 cc")] {
                _ = try await f.stores.masterData.createItem(supplies.id, MasterItemDraft(code: code, description: description, unit: "u"),
                                                             prices: [:], by: f.admin)
            }
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let south = try await f.stores.catalogues.createClientGroup(name: "Sur", userIDs: [], by: nil)
            let a = try await f.client("Oficinas Centro", group: north)
            let b = try await f.client("Depósito Sur", group: south)
            let kept = try await f.stores.deliveries.create(clientID: a.id, DeliveryDraft(date: CalendarDate("2026-09-01")!, tableID: supplies.id,
                                                                                          lines: [.init(code: "BID-20", quantity: "1")]), by: f.admin)
            let header = ["Entrega", "Fecha", "Estado", "N.º", "Razón social", "Código", "Descripción", "Cantidad", "Unidad", "Notas"]
            func row(_ delivery: String, _ date: String, _ status: String, _ client: Client, _ code: String, _ quantity: String,
                     _ notes: String = "") -> [String] {
                [delivery, date, status, "\(client.clientNumber)", client.draft.legalName, code, "", quantity, "u", notes]
            }
            let bad = [row("", "2026-09-31", "Programada", a, "BID-20", "2"), row("", "2026-10-02", "Perdida", b, "NADA", "0"),
                       row("999", "2026-10-02", "Entregada", a, "VAS-200", "1")]
            let checked = try await f.stores.deliveries.importDeliveries(tableID: supplies.id, header: header, rows: bad, commit: true, by: f.admin)
            #expect(!checked.committed)
            #expect(checked.problems.map { "\($0.row):\($0.error.field):\($0.error.code)" }
                    == ["2:date:invalid_date", "3:status:invalid_choice", "3:code:unknown_item", "4:delivery:not_found"])
            let good = [row("", "2026-10-02", "Programada", a, "bid-20", "2", "Portón azul"), row("", "2026-10-02", "programada", a, "VAS-200", "100",
                                                                                                   "Portón azul"),
                        row("", "2026-10-02", "Entregada", b, "BID-20", "1,5"),
                        row("\(kept.id)", "2026-09-01", "Entregada", a, "BID-20", "1"), row("\(kept.id)", "2026-09-01", "Entregada", a, "VAS-200", "3")]
            let dry = try await f.stores.deliveries.importDeliveries(tableID: supplies.id, header: header, rows: good, commit: false, by: f.admin)
            #expect(dry.problems.isEmpty && !dry.committed && dry.created == 2 && dry.updated == 1)
            #expect(try await f.stores.deliveries.list(DeliveryQuery(), by: f.admin).count == 1)   // a dry run writes nothing
            let done = try await f.stores.deliveries.importDeliveries(tableID: supplies.id, header: header, rows: good, commit: true, by: f.admin)
            #expect(done.committed && done.created == 2 && done.updated == 1)
            let all = try await f.stores.deliveries.list(DeliveryQuery(), by: f.admin)
            let atA = try #require(all.first { $0.delivery.clientID == a.id && $0.delivery.id != kept.id }?.delivery)
            #expect(atA.lines.map(\.code) == ["BID-20", "VAS-200"] && atA.lines.map(\.quantityMilli) == [2000, 100_000] && atA.draft.notes == "Portón azul")
            #expect(all.first { $0.delivery.clientID == b.id }?.delivery.lines.first?.quantityMilli == 1500)
            let replaced = try #require(try await f.stores.deliveries.delivery(kept.id, by: f.admin))
            #expect(replaced.draft.status == .delivered && replaced.lines.count == 2 && replaced.version == kept.version + 1)
            // The same file again changes nothing; a delivery's rows must agree.
            let again = try await f.stores.deliveries.importDeliveries(tableID: supplies.id, header: header, rows: good.suffix(2), commit: true, by: f.admin)
            #expect(again.committed && again.unchanged == 1 && again.updated == 0)
            let split = [row("\(kept.id)", "2026-09-01", "Entregada", a, "BID-20", "1"), row("\(kept.id)", "2026-09-02", "Entregada", a, "VAS-200", "3")]
            let mixed = try await f.stores.deliveries.importDeliveries(tableID: supplies.id, header: header, rows: split, commit: true, by: f.admin)
            #expect(mixed.problems.map { "\($0.row):\($0.error.code)" } == ["3:inconsistent_rows"])

            // An importer who sees only the north: the southern client and the deliveries there are "not found".
            let supervisor = try await f.user("sup@demo.test", roles: ["supervisor"], level: .branch, groups: [north])
            await #expect(throws: StoreError.forbidden) {
                try await f.stores.deliveries.importDeliveries(tableID: supplies.id, header: header, rows: good, commit: false, by: supervisor)
            }
            let role = try await f.stores.organisation.roles().first { $0.key == "supervisor" }!
            try await f.stores.organisation.updateRole(role.id, name: role.name, permissions: role.permissions.union([.importData]),
                                                       expectedVersion: role.version, by: nil)
            let southern = try #require(all.first { $0.delivery.clientID == b.id }?.delivery)
            let outside = try await f.stores.deliveries.importDeliveries(
                tableID: supplies.id, header: header, rows: [row("", "2026-10-03", "Programada", b, "BID-20", "1"),
                                                             row("\(southern.id)", "2026-10-02", "Fallida", a, "BID-20", "1")],
                commit: true, by: try await f.reload(supervisor))
            #expect(outside.problems.map { "\($0.row):\($0.error.field):\($0.error.code)" } == ["2:clientNumber:not_found", "3:delivery:not_found"])
            #expect(try await f.stores.deliveries.delivery(southern.id, by: f.admin)?.draft.status == .delivered)
        }
    }
}
