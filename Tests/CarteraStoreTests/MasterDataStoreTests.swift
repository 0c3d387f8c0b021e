import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Master databases and price lists")
struct MasterDataStoreTests {
    @Test("items have unique codes, typed columns and a price per list; a spreadsheet dry run lists every bad cell, a commit is all-or-nothing")
    func itemsPricesAndImport() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let data = f.stores.masterData
            var products = try await data.createTable(name: "Productos", by: f.admin)
            let columns = try products.columns.adding(labelES: "Marca", labelEN: "Brand", type: .text, required: false, choices: [],
                                                      reserved: MasterTable.reservedKeys)
                .adding(labelES: "Peso (kg)", labelEN: "Weight (kg)", type: .decimal, required: false, choices: [], reserved: MasterTable.reservedKeys)
            products = try await data.updateTable(products.id, name: "Productos", active: true, columns: columns,
                                                  expectedVersion: products.version, by: f.admin)
            let retail = try await data.createPriceList(name: "Minorista", by: f.admin)
            let wholesale = try await data.createPriceList(name: "Mayorista", by: f.admin)
            #expect(retail.currency == "ARS")
            let gas = try await data.createItem(products.id, MasterItemDraft(code: "GAS-R410", description: "Gas refrigerante R410A", unit: "kg",
                                                                             values: ["marca": .text("Chemours")]),
                                                prices: [retail.id: Money(minor: 1_850_000, currency: "ARS"), wholesale.id: Money(minor: 1_500_000, currency: "ARS")],
                                                by: f.admin)
            #expect(gas.prices[retail.id]?.minor == 1_850_000)
            await #expect(throws: ValidationFailure([FieldError("code", "duplicate")])) {
                try await data.createItem(products.id, MasterItemDraft(code: "gas r410", description: "Otro"), prices: [:], by: f.admin)
            }
            let tech = try await f.user("tecnico@demo.test", roles: ["technician"])
            await #expect(throws: StoreError.forbidden) {
                try await data.createItem(products.id, MasterItemDraft(code: "X", description: "x"), prices: [:], by: tech)
            }
            // A new price is what the next reader sees.
            let repriced = try await data.updateItem(gas.item.id, gas.item.draft, prices: [retail.id: Money(minor: 1_990_000, currency: "ARS")],
                                                     expectedVersion: gas.item.version, by: f.admin)
            #expect(repriced.prices[retail.id]?.minor == 1_990_000 && repriced.prices[wholesale.id]?.minor == 1_500_000)
            #expect(try await data.items(products.id, search: "refrigerante chemours").map(\.item.draft.code) == ["GAS-R410"])

            let header = ["Código", "Descripción", "Unidad", "Peso (kg)", "Minorista", "Color"]
            let bad = try await data.importItems(products.id, header: header, rows: [
                ["FIL-01", "Filtro de aire", "u", "0,3", "12.500,00", "azul"],
                ["FIL-02", "", "u", "pesado", "doce", ""],
                ["FIL-01", "Repetido", "", "", "", ""],
            ], commit: true, by: f.admin)
            #expect(!bad.committed && bad.unknownColumns == ["Color"])
            let countAfterBad = try await data.count(products.id)
            #expect(bad.problems.map { "\($0.row) \($0.error.field) \($0.error.code)" }
                    == ["3 description required", "3 customFields.peso_kg invalid_decimal", "3 prices.Minorista invalid_amount", "4 code duplicate"])
            #expect(countAfterBad == 1)
            let good = try await data.importItems(products.id, header: header, rows: [
                ["FIL-01", "Filtro de aire", "u", "0,3", "12.500,00", ""],
                ["GAS-R410", "", "", "", "21000", ""],
            ], commit: true, by: f.admin)
            #expect(good.committed && good.created == 1 && good.updated == 1 && good.unchanged == 0 && good.problems.isEmpty)
            let items = try await data.items(products.id)
            #expect(items.map(\.item.draft.code) == ["FIL-01", "GAS-R410"])
            #expect(items[0].item.draft.values["peso_kg"] == .decimal(0.3) && items[0].prices[retail.id]?.minor == 1_250_000)
            #expect(items[1].item.draft.description == "Gas refrigerante R410A" && items[1].prices[retail.id]?.minor == 2_100_000)
            let dry = try await data.importItems(products.id, header: header, rows: [["FIL-03", "Filtro nuevo", "", "", "", ""]],
                                                 commit: false, by: f.admin)
            let countAfterDry = try await data.count(products.id)
            #expect(!dry.committed && dry.created == 1 && countAfterDry == 2)
        }
    }
}
