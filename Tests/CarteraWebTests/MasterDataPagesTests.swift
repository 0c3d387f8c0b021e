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
}
