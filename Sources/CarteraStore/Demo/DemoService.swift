import CarteraCore
import Foundation
import SQLKit

extension DemoGenerator {
    static let orderDescriptions = ["El equipo de aire acondicionado no enfría", "Mantenimiento preventivo de la caldera",
                                    "Instalar un split de 3000 frigorías en la oficina", "Cambiar el filtro del purificador",
                                    "Revisar pérdida de agua en la bomba", "Relevar equipos para presupuestar"]

    /// Per technician, orders on clients of their branch in every status (two
    /// due today and tomorrow), and one recurring rule every two weeks on Friday
    /// at 11:00, so "my orders", the card and the rules page have something to show.
    func addWorkOrders(for technicians: [User.ID], by adminID: User.ID, random: inout SeededRandom) async throws {
        guard let admin = try await stores.users.viewer(adminID) else { return }
        let kinds = try await addAssetKinds()
        let catalogue = try await addCatalogue(by: admin)
        let categories = try await stores.organisation.activityCategories()
        let zone = TimeZone(identifier: try await stores.organisation.company()?.timeZone ?? "") ?? .gmt
        let now = clock.now()
        for (index, technician) in technicians.enumerated() {
            guard let tech = try await stores.users.viewer(technician) else { continue }
            let clients = try await stores.clients.list(ClientQuery(filters: tech.user.branchID.map { [.branch($0)] } ?? [], limit: 6,
                                                                    page: .offset(index), counting: .none), scope: .all).clients
            for (n, client) in clients.enumerated() {
                let asset = try await stores.assets.create(clientID: client.id, Self.demoAsset(kinds, n + index), by: admin)
                let hours = [2, 26, -20, -44, -70, 50][n % 6] + Int.random(in: 0...2, using: &random)
                let draft = WorkOrderDraft(categoryID: categories.first?.id, priority: WorkOrder.Priority.allCases[(n + index) % 4],
                                           assigneeID: technician, appointmentAt: now.addingTimeInterval(Double(hours) * 3600).rounded(to: 1800),
                                           appointmentZone: zone.identifier, description: Self.orderDescriptions[(n + index) % Self.orderDescriptions.count],
                                           assetIDs: [asset.id])
                var order = try await stores.workOrders.create(clientID: client.id, draft, by: admin)
                guard let at = draft.appointmentAt, at < now else { continue }
                order = try await stores.workOrders.registerService(order.id, detail: "Revisé el equipo y tomé medidas.", at: at,
                                                                    finishes: n != 2, expectedVersion: order.version, by: tech)
                if n == 3 {
                    _ = try await stores.forms.fill(clientID: client.id, templateID: catalogue.template, workOrderID: order.id,
                                                    priceListID: catalogue.retail, inputs: [
                                                        "tipo_de_trabajo": .text("Correctivo"),
                                                        "repuestos_e_insumos": .items([.init(code: "GAS-R410", quantity: "1,5"), .init(code: "FIL-01", quantity: "2")]),
                                                        "equipo": .text(asset.id.description), "firma_del_cliente": .text(client.displayName)],
                                                    by: tech)
                }
                if n == 4 {
                    _ = try await stores.workOrders.verify(order.id, VerificationDraft(comments: "Conforme con el servicio", rating: 5, closed: true),
                                                           expectedVersion: order.version, by: admin)
                }
            }
            if let client = clients.first {
                let (date, _) = LocalDateTime.parts(now, timeZone: zone)
                _ = try await stores.recurringOrders.create(clientID: client.id, RecurringOrderDraft(
                    rule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", startDate: date, startTime: "11:00", timeZone: zone.identifier,
                    template: WorkOrderDraft(categoryID: categories.first?.id, assigneeID: technician,
                                             description: "Mantenimiento quincenal de los equipos",
                                             assetIDs: try await stores.assets.list(AssetQuery(clientID: client.id), by: admin).map(\.asset.id))),
                    by: admin)
            }
        }
    }

    /// Two kinds of equipment with typed fields.
    func addAssetKinds() async throws -> [AssetKind] {
        var air = try await stores.assetKinds.create(name: "Aire acondicionado", by: nil)
        for (es, en, type, choices) in [("Marca", "Brand", CustomFieldType.choice, ["Surrey", "Carrier", "BGH", "LG"]),
                                        ("Modelo", "Model", .text, []), ("Frigorías", "Cooling capacity", .integer, []),
                                        ("Instalado el", "Installed on", .date, [])] {
            air = try await stores.assetKinds.addField(air.id, labelES: es, labelEN: en, type: type, required: es == "Marca",
                                                       choices: choices, expectedVersion: air.version, by: nil)
        }
        var boiler = try await stores.assetKinds.create(name: "Caldera", by: nil)
        for (es, en, type) in [("Marca", "Brand", CustomFieldType.text), ("Potencia (kW)", "Power (kW)", .decimal),
                               ("Última revisión", "Last service", .date)] {
            boiler = try await stores.assetKinds.addField(boiler.id, labelES: es, labelEN: en, type: type, required: false, choices: [],
                                                          expectedVersion: boiler.version, by: nil)
        }
        return [air, boiler]
    }

    static func demoAsset(_ kinds: [AssetKind], _ n: Int) -> AssetDraft {
        if n % 3 == 2 {
            return AssetDraft(kindID: kinds[1].id, name: "Caldera del edificio", serial: "CAL-\(1000 + n)",
                              values: ["marca": .text("Peisa"), "potencia_kw": .text("24,5"), "ultima_revision": .text("2026-03-10")])
        }
        return AssetDraft(kindID: kinds[0].id, name: n % 2 == 0 ? "Split de la oficina" : "Equipo del salón", serial: "AC-\(4400 + n)",
                          values: ["marca": .text(["Surrey", "Carrier", "BGH", "LG"][n % 4]), "modelo": .text("Inverter 3000"),
                                   "frigorias": .text("3000"), "instalado_el": .text("2024-11-0\(1 + n % 9)")])
    }

    /// A products table with two price lists, and a service-report form that uses it.
    func addCatalogue(by admin: Viewer) async throws -> (template: FormTemplate.ID, retail: PriceList.ID) {
        let data = stores.masterData
        let products = try await data.createTable(name: "Productos", by: admin)
        let retail = try await data.createPriceList(name: "Minorista", by: admin)
        let wholesale = try await data.createPriceList(name: "Mayorista", by: admin)
        for (code, description, unit, price) in [("GAS-R410", "Gas refrigerante R410A", "kg", 1_850_000), ("FIL-01", "Filtro de aire lavable", "u", 450_000),
                                                 ("CAP-35", "Capacitor 35 µF", "u", 980_000), ("MO-H", "Mano de obra", "h", 2_500_000)] as [(String, String, String, Int64)] {
            _ = try await data.createItem(products.id, MasterItemDraft(code: code, description: description, unit: unit), prices: [
                retail.id: Money(minor: price, currency: retail.currency), wholesale.id: Money(minor: price * 8 / 10, currency: wholesale.currency)],
                by: admin)
        }
        let design = """
            # Trabajo realizado
            Tipo de trabajo | elección | obligatorio | Preventivo, Correctivo, Instalación
            Equipo | equipo
            Repuestos e insumos | artículo: Productos
            Observaciones | texto largo
            # Conformidad del cliente
            Firma del cliente | firma | obligatorio
            """
        let template = try await stores.forms.createTemplate(name: "Informe de servicio técnico",
                                                             definition: try FormDefinition.parse(design, tables: [products]), by: admin)
        return (template.id, retail.id)
    }
}

extension DemoGenerator {
    /// One client in 200 has a maintenance contract: a monthly recurring order
    /// for its branch's technician. Written in bulk and not yet materialised, so
    /// the first pass of the recurring orders job makes their orders (the
    /// server's at start, or `cartera jobs run recurring-orders`).
    func addMaintenanceContracts(technicians: [User.ID], owner: User.ID) async throws {
        guard !technicians.isEmpty else { return }
        let zone = try await stores.organisation.company()?.timeZone ?? "America/Argentina/Buenos_Aires"
        let now = clock.now()
        let (startDate, _) = LocalDateTime.parts(now, timeZone: TimeZone(identifier: zone) ?? .gmt)
        var afterID: Int64 = 0
        while true {
            let ids = try await stores.database.read { session in
                try await session.rows("""
                    SELECT id FROM clients WHERE id > \(bind: afterID) AND id % 200 = 0 ORDER BY id LIMIT 500
                    """).map { try $0.int("id") }
            }
            guard let last = ids.last else { return }
            afterID = last
            try await stores.database.write { session in
                let rows: [SQLQueryString] = ids.map { id in
                    let draft = RecurringOrderDraft(
                        rule: "FREQ=MONTHLY;BYMONTHDAY=\(1 + id / 200 % 28)", startDate: startDate, startTime: "09:00", timeZone: zone,
                        template: WorkOrderDraft(assigneeID: technicians[Int(id / 200) % technicians.count],
                                                 description: "Mantenimiento mensual según contrato"))
                    return "(\(bind: id), \(bind: owner.rawValue), \(RecurringOrderStore.values(session, draft)), \(session.instant(now)), \(session.instant(now)))"
                }
                try await session.run("""
                    INSERT INTO recurring_order_rules (client_id, owner_id, \(unsafeRaw: RecurringOrderStore.editableColumns), created_at, updated_at)
                    VALUES \(rows.joined(separator: ", "))
                    """)
            }
        }
    }
}
