import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Digital forms")
struct FormStoreTests {
    static let design = """
        # Trabajo realizado
        Tipo de trabajo | elección | obligatorio | Preventivo, Correctivo
        Repuestos | artículo: Productos
        Equipo | equipo
        Horas | número
        # Conformidad
        Firma del cliente | firma | obligatorio
        """

    @Test("the editor's text makes sections of typed fields and reads back the same; bad lines are named by number")
    func definition() throws {
        let products = MasterTable(id: .init(7), name: "Productos", columns: [], active: true, version: 1)
        let parsed = try FormDefinition.parse(Self.design, tables: [products])
        #expect(parsed.sections.map(\.title) == ["Trabajo realizado", "Conformidad"])
        #expect(parsed.fields.map(\.key) == ["tipo_de_trabajo", "repuestos", "equipo", "horas", "firma_del_cliente"])
        #expect(parsed.fields[1].type == .item && parsed.fields[1].tableID == products.id && parsed.fields[0].choices == ["Preventivo", "Correctivo"])
        #expect(try FormDefinition.parse(parsed.text(tables: [products]), tables: [products]) == parsed)
        #expect(throws: ValidationFailure([FieldError("definition", "form_line_type", ["1"]), FieldError("definition", "form_line_table", ["2"]),
                                           FieldError("definition", "form_line_duplicate", ["4"])])) {
            try FormDefinition.parse("Color | colorido\nRepuestos | artículo: Insumos\nNotas\nnotas | texto", tables: [products])
        }
    }

    @Test("a form is filled with items at the list's current price; a later price change leaves it alone; a new version leaves it on its own")
    func fillAndVersions() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let products = try await f.stores.masterData.createTable(name: "Productos", by: f.admin)
            let retail = try await f.stores.masterData.createPriceList(name: "Minorista", by: f.admin)
            let gas = try await f.stores.masterData.createItem(products.id, MasterItemDraft(code: "GAS-1", description: "Gas R410A", unit: "kg"),
                                                               prices: [retail.id: Money(minor: 1_000_000, currency: "ARS")], by: f.admin)
            let kind = try await f.stores.assetKinds.create(name: "Aire", by: nil)
            let client = try await f.client("Hotel Andino")
            let other = try await f.client("Bodega Río")
            let split = try await f.stores.assets.create(clientID: client.id, AssetDraft(kindID: kind.id, name: "Split sala"), by: f.admin)
            let foreign = try await f.stores.assets.create(clientID: other.id, AssetDraft(kindID: kind.id, name: "Ajeno"), by: f.admin)
            let template = try await f.stores.forms.createTemplate(name: "Informe de servicio",
                                                                   definition: try FormDefinition.parse(Self.design, tables: [products]), by: f.admin)
            let order = try await f.stores.workOrders.create(clientID: client.id, WorkOrderDraft(description: "No enfría"), by: f.admin)

            await #expect(throws: ValidationFailure([
                FieldError("answers.tipo_de_trabajo", "invalid_choice"), FieldError("answers.repuestos", "unknown_item", ["NOPE"]),
                FieldError("answers.equipo", "unknown_reference"), FieldError("answers.horas", "invalid_decimal"),
                FieldError("answers.firma_del_cliente", "required")])) {
                try await f.stores.forms.fill(clientID: client.id, templateID: template.id, workOrderID: order.id, priceListID: retail.id, inputs: [
                    "tipo_de_trabajo": .text("Otro"), "repuestos": .items([.init(code: "NOPE", quantity: "1")]),
                    "equipo": .text(foreign.id.description), "horas": .text("dos")], by: f.admin)
            }
            let inputs: [String: FormInput] = [
                "tipo_de_trabajo": .text("Correctivo"), "repuestos": .items([.init(code: "gas-1", quantity: "2,5"), .init(code: "", quantity: "")]),
                "equipo": .text(split.id.description), "horas": .text("1,5"), "firma_del_cliente": .text("Rosa Pérez")]
            let first = try await f.stores.forms.fill(clientID: client.id, templateID: template.id, workOrderID: order.id,
                                                      priceListID: retail.id, inputs: inputs, by: f.admin)
            guard case .items(let lines)? = first.answers["repuestos"] else { Issue.record("no items"); return }
            #expect(lines.count == 1 && lines[0].quantityMilli == 2500 && lines[0].unitPrice?.minor == 1_000_000)
            #expect(first.total?.minor == 2_500_000 && first.answers["equipo"] == .asset(id: split.id, name: "Split sala"))
            #expect(try await f.stores.clients.client(client.id, scope: .all)?.lastVisitAt == f.clock.now())

            _ = try await f.stores.masterData.updateItem(gas.item.id, gas.item.draft, prices: [retail.id: Money(minor: 1_200_000, currency: "ARS")],
                                                         expectedVersion: gas.item.version, by: f.admin)
            let redesigned = try await f.stores.forms.updateTemplate(
                template.id, name: "Informe de servicio", active: true,
                definition: try FormDefinition.parse(Self.design + "\nObservaciones | texto largo", tables: [products]),
                expectedVersion: template.version, by: f.admin)
            #expect(redesigned.currentVersion.number == 2)
            var again = inputs
            again["observaciones"] = .text("Quedó funcionando")
            let second = try await f.stores.forms.fill(clientID: client.id, templateID: template.id, workOrderID: nil, priceListID: retail.id,
                                                       inputs: again, by: f.admin)
            #expect(second.total?.minor == 3_000_000 && second.templateVersion.number == 2)
            let kept = try #require(try await f.stores.forms.form(first.id, by: f.admin)?.form)
            #expect(kept.total?.minor == 2_500_000 && kept.templateVersion.number == 1 && kept.templateVersion.definition.fields.count == 5)
            #expect(try await f.stores.forms.forms(workOrderID: order.id, by: f.admin).map(\.form.id) == [first.id])
            #expect(try await f.stores.forms.forms(clientID: client.id, by: f.admin).count == 2)

            // Outside the scope nothing is filled or read.
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let seller = try await f.user("vendedor@demo.test", groups: [north])
            await #expect(throws: StoreError.notFound) {
                try await f.stores.forms.fill(clientID: client.id, templateID: template.id, workOrderID: nil, priceListID: nil, inputs: inputs, by: seller)
            }
            #expect(try await f.stores.forms.form(first.id, by: seller) == nil)
        }
    }
}
