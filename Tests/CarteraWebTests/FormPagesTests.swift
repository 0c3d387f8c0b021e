import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Digital forms in the browser and the API")
struct FormPagesTests {
    @Test("the admin writes a template; the seller fills it on an order with items at the list price; the saved form shows its prices")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let products = try await f.stores.masterData.createTable(name: "Productos", by: f.admin)
            let retail = try await f.stores.masterData.createPriceList(name: "Minorista", by: f.admin)
            _ = try await f.stores.masterData.createItem(products.id, MasterItemDraft(code: "GAS-1", description: "Gas R410A", unit: "kg"),
                                                         prices: [retail.id: Money(minor: 1_850_000, currency: "ARS")], by: f.admin)
            let order = try await f.stores.workOrders.create(clientID: world.north.id, WorkOrderDraft(
                assigneeID: world.seller.id, description: "No enfría"), by: f.admin)
            try await world.withApp { client in
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                let badDesign = try await admin.send(.post, "/admin/forms", form: ["name": "Informe", "definition": "Repuestos | artículo: Insumos"])
                #expect(badDesign.status == .unprocessableContent && String(buffer: badDesign.body).contains("Línea 1: no hay una base maestra"))
                #expect(try await admin.send(.post, "/admin/forms", form: ["name": "Informe", "definition": """
                    # Trabajo
                    Tipo | elección | obligatorio | Preventivo, Correctivo
                    Repuestos | artículo: Productos
                    Firma | firma | obligatorio
                    """]).status == .seeOther)
                let template = try #require(try await f.stores.forms.templates().first)

                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                let newForm = "/clients/\(world.north.id)/forms/new?template=\(template.id)&order=\(order.id)"
                let page = String(buffer: try await seller.send(.get, newForm).body)
                #expect(page.contains("<datalist id=\"items-\(products.id)\"><option value=\"GAS-1\">Gas R410A</option>"))
                #expect(page.contains("name=\"f_repuestos_code_0\"") && page.contains("Orden N.º \(order.orderNumber)"))
                var form = ["templateId": "\(template.id)", "orderId": "\(order.id)", "priceListId": "\(retail.id)", "f_tipo": "Correctivo",
                            "f_repuestos_code_0": "gas-1", "f_repuestos_qty_0": "2"]
                let missing = try await seller.send(.post, "/clients/\(world.north.id)/forms", form: form)
                let missingPage = String(buffer: missing.body)
                #expect(missing.status == .unprocessableContent && missingPage.contains("«Firma» es obligatorio") && missingPage.contains("value=\"gas-1\""))
                form["f_firma"] = "Rosa Pérez"
                let saved = try await seller.send(.post, "/clients/\(world.north.id)/forms", form: form)
                #expect(saved.status == .seeOther)
                let view = String(buffer: try await seller.send(.get, try #require(saved.headers[.location])).body)
                #expect(view.contains("Gas R410A") && view.contains("18.500,00") && view.contains("37.000,00 ARS") && view.contains("Rosa Pérez"))
                let orderPage = String(buffer: try await seller.send(.get, "/work-orders/\(order.id)").body)
                #expect(orderPage.contains("Informe") && orderPage.contains("37.000,00 ARS"))
                // The south client is not the seller's: no form there.
                #expect(try await seller.send(.get, "/clients/\(world.south.id)/forms/new?template=\(template.id)").status == .notFound)
            }
        }
    }

    @Test("the API lists templates with their fields and saves a form with item lines, refusing bad answers by field")
    func api() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let products = try await f.stores.masterData.createTable(name: "Productos", by: f.admin)
            let retail = try await f.stores.masterData.createPriceList(name: "Minorista", by: f.admin)
            _ = try await f.stores.masterData.createItem(products.id, MasterItemDraft(code: "FIL-1", description: "Filtro"),
                                                         prices: [retail.id: Money(minor: 45_000, currency: "ARS")], by: f.admin)
            let template = try await f.stores.forms.createTemplate(name: "Informe", definition: try FormDefinition.parse(
                "Horas | número | obligatorio\nRepuestos | artículo: Productos", tables: [products]), by: f.admin)
            let (_, token) = try await f.stores.tokens.create(userID: world.seller.id, name: "test")
            try await world.withApp { client in
                let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
                let templates = String(buffer: try await client.execute(uri: "/api/v1/form-templates", method: .get, headers: headers).body)
                #expect(templates.contains("\"key\":\"repuestos\"") && templates.contains("\"type\":\"item\"")
                        && templates.contains("\"tableId\":null"))
                let bad = try await client.execute(uri: "/api/v1/forms", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"clientId": \(world.north.id), "templateId": \(template.id), "answers": {"horas": "muchas"}}
                    """))
                #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("answers.horas"))
                let made = try await client.execute(uri: "/api/v1/forms", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"clientId": \(world.north.id), "templateId": \(template.id), "priceListId": \(retail.id),
                     "answers": {"horas": 1.5, "repuestos": [{"code": "FIL-1", "quantity": 3}]}}
                    """))
                let body = String(buffer: made.body)
                #expect(made.status == .created && body.contains("\"totalMinor\":135000") && body.contains("\"unitPriceMinor\":45000"))
                let listed = String(buffer: try await client.execute(uri: "/api/v1/forms?clientId=\(world.north.id)", method: .get, headers: headers).body)
                #expect(listed.contains("\"templateName\":\"Informe\""))
                #expect(try await client.execute(uri: "/api/v1/forms?clientId=\(world.south.id)", method: .get, headers: headers).status == .notFound)
            }
        }
    }
}
