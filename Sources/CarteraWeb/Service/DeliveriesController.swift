import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Deliveries in the browser: the logistics section of the client card (list
/// and add), a delivery's page (edit, mark delivered or failed), and the
/// deliveries list by status and dates with downloads and spreadsheet import.
struct DeliveriesController {
    let env: WebEnvironment
    let clients: ClientsController

    static let lines = 6

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.deliveries.route) { request, context in try await self.list(request, context) }
        group.get(SiteURL.deliveryExport.route) { request, context in try await self.export(request, context) }
        group.post(SiteURL.deliveryImport.route) { request, context in try await self.importDeliveries(request, context) }
        group.post("/clients/:id/deliveries") { request, context in try await self.create(request, context) }
        group.get("/deliveries/:delivery") { request, context in try await self.page(request, context) }
        group.post("/deliveries/:delivery") { request, context in try await self.update(request, context) }
    }

    /// The fields of a delivery form (the card's add form, the delivery page).
    struct Fields: Encodable {
        struct Line: Encodable { let index: Int; let codeName: String; let quantityName: String; let code: String; let quantity: String }
        let date: String
        let notes: String
        let statuses: [Option]
        let tables: [Option]
        let lines: [Line]
        /// The chosen table's item codes, suggested in the code inputs (without JavaScript the inputs
        /// cannot follow another table, so only that table's list is sent).
        let suggestions: FormsController.FillPage.ItemList
    }

    /// One delivery in a list.
    struct Row: Encodable {
        let url: String
        let date: String
        let status: String
        let statusLabel: String
        let clientName: String
        let clientURL: String
        let summary: String
        let notes: String?

        init(_ listing: DeliveryListing, t: [String: String], language: Language) {
            let d = listing.delivery
            url = SiteURL.delivery(d.id).path
            date = d.draft.date.description
            status = d.draft.status.rawValue
            statusLabel = t["delivery_status_\(d.draft.status.rawValue)"] ?? d.draft.status.rawValue
            clientName = "\(listing.clientNumber) · \(listing.clientName)"
            clientURL = SiteURL.client(d.clientID).path
            summary = d.lines.map { "\(FormsController.quantityText($0.quantityMilli, language))\($0.unit.map { " " + $0 } ?? "") \($0.description)" }
                .joined(separator: " · ")
            notes = d.draft.notes
        }
    }

    func fields(_ form: FormData?, _ delivery: Delivery?, context: SignedInContext) async throws -> Fields {
        let t = env.t(context.language)
        let tables = try await env.stores.masterData.tables().filter { $0.active || $0.id == delivery?.draft.tableID }
        let chosenTable = form?["tableId"] ?? delivery?.draft.tableID.description ?? tables.first?.id.description ?? ""
        let status = form?["status"] ?? delivery?.draft.status.rawValue ?? Delivery.Status.scheduled.rawValue
        let items = try await MasterTable.ID(string: chosenTable).asyncMap { try await env.stores.masterData.items($0, limit: 500) } ?? []
        return Fields(
            date: form?["date"] ?? delivery?.draft.date.description ?? LocalDateTime.parts(env.clock.now(), timeZone: context.timeZone).date,
            notes: form?["notes"] ?? delivery?.draft.notes ?? "",
            statuses: Delivery.Status.allCases.map { Option(value: $0.rawValue, label: t["delivery_status_\($0.rawValue)"] ?? "", selected: status == $0.rawValue) },
            tables: tables.map { Option(value: $0.id.description, label: $0.name, selected: $0.id.description == chosenTable) },
            lines: (0..<Self.lines).map { index in
                let stored = delivery.flatMap { index < $0.lines.count ? $0.lines[index] : nil }
                return Fields.Line(index: index + 1, codeName: "code_\(index)", quantityName: "qty_\(index)",
                                   code: form?["code_\(index)"] ?? stored?.code ?? "",
                                   quantity: form?["qty_\(index)"] ?? stored.map { FormsController.quantityText($0.quantityMilli, context.language) } ?? "")
            },
            suggestions: .init(id: "items-\(chosenTable)", items: items.map { .init(code: $0.item.draft.code, label: $0.item.draft.description) }))
    }

    static func draft(_ form: FormData) throws(ValidationFailure) -> DeliveryDraft {
        var errors: [FieldError] = []
        let date = CalendarDate(form["date"] ?? "")
        if date == nil { errors.append(FieldError("date", (form["date"] ?? "").isEmpty ? "required" : "invalid_date")) }
        let status = Delivery.Status(rawValue: form["status"] ?? "")
        if status == nil { errors.append(FieldError("status", "invalid_choice")) }
        guard let table = MasterTable.ID(string: form["tableId"]) else { throw ValidationFailure(errors + [FieldError("tableId", "required")]) }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return DeliveryDraft(date: date!, status: status!, notes: form["notes"], tableID: table,
                             lines: (0..<lines).map { .init(code: form["code_\($0)"] ?? "", quantity: form["qty_\($0)"] ?? "") })
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = try await FormData.from(request)
        do {
            _ = try await env.stores.deliveries.create(clientID: client.id, try Self.draft(form), by: context.viewer)
            return redirect(to: SiteURL.client(client.id).path + "#deliveries", flash: env.translator.text("flash_delivery_saved", context.language))
        } catch let failure as ValidationFailure {
            return redirect(to: SiteURL.client(client.id).path + "#deliveries",
                            flash: env.messages(failure, context.language).list.joined(separator: " "))
        }
    }

    struct Page: Encodable {
        let title: String
        let clientName: String
        let clientURL: String
        let action: String
        let version: Int64
        let fields: Fields
        let errors: [String]
    }

    func page(_ request: Request, _ context: SignedInContext, form: FormData? = nil, errors: [String] = [], version: Int64? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let (delivery, client) = try await load(context)
        let page = Page(title: env.translator.text("delivery_title", context.language, ["date": delivery.draft.date.description]),
                        clientName: "\(client.clientNumber) · \(client.displayName)", clientURL: SiteURL.client(client.id).path,
                        action: SiteURL.delivery(delivery.id).path, version: version ?? delivery.version,
                        fields: try await fields(form, delivery, context: context), errors: errors)
        return try env.render("delivery", request, context, title: page.title, section: .clients, page, status: status)
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (delivery, client) = try await load(context)
        let form = try await FormData.from(request)
        let version = Int64(form["version"] ?? "") ?? 0
        do {
            _ = try await env.stores.deliveries.update(delivery.id, try Self.draft(form), expectedVersion: version, by: context.viewer)
            return redirect(to: SiteURL.client(client.id).path + "#deliveries", flash: env.translator.text("flash_delivery_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await page(request, context, form: form, errors: env.messages(failure, context.language).list,
                                  version: version, status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await page(request, context, form: form, errors: [env.translator.text("conflict_reload", context.language)],
                                  version: current, status: .conflict)
        }
    }

    // MARK: The list

    struct ListPage: Encodable {
        let rows: [Row]
        let empty: Bool
        let statuses: [Option]
        let values: [String: String]
        let errors: [String]
        let exportXLSX: String?
        let exportCSV: String?
        let canImport: Bool
        let tables: [Option]
        let importResult: ImportResult?
    }

    func query(_ form: FormData, _ context: SignedInContext) async throws -> (DeliveryQuery?, [String: String], [String]) {
        let values = ["status", "from", "to", "client"].reduce(into: [String: String]()) { $0[$1] = form.text($1) ?? "" }
        var query = DeliveryQuery(status: Delivery.Status(rawValue: values["status"]!), from: CalendarDate(values["from"]!),
                                  to: CalendarDate(values["to"]!), limit: 500)
        var errors: [String] = []
        let t = env.translator
        if !values["from"]!.isEmpty && query.from == nil { errors.append(t.message(for: FieldError("dateFrom", "invalid_date"), context.language)) }
        if !values["to"]!.isEmpty && query.to == nil { errors.append(t.message(for: FieldError("dateTo", "invalid_date"), context.language)) }
        if !values["client"]!.isEmpty {
            query.clientID = try await Int64(values["client"]!).asyncMap { try await env.stores.clients.client(number: $0, scope: context.clientScope)?.id }
            if query.clientID == nil { errors.append(t.message(for: FieldError("clientNumber", "not_found"), context.language)) }
        }
        return (errors.isEmpty ? query : nil, values, errors)
    }

    func list(_ request: Request, _ context: SignedInContext, addErrors: [String] = [],
              importResult: ImportResult? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let form = FormData.query(request)
        let (query, values, errors) = try await query(form, context)
        let found = try await query.asyncMap { try await env.stores.deliveries.list($0, by: context.viewer) } ?? []
        let t = env.t(context.language)
        let filters = FormData.encode(values)
        let canExport = context.viewer.can(.exportData)
        let page = ListPage(
            rows: found.map { Row($0, t: t, language: context.language) }, empty: found.isEmpty,
            statuses: [Option(value: "", label: t["any"] ?? "", selected: values["status"]!.isEmpty)] + Delivery.Status.allCases.map {
                Option(value: $0.rawValue, label: t["delivery_status_\($0.rawValue)"] ?? "", selected: values["status"] == $0.rawValue)
            },
            values: values, errors: errors + addErrors,
            exportXLSX: canExport ? "\(SiteURL.deliveryExport.path)?format=xlsx&\(filters)" : nil,
            exportCSV: canExport ? "\(SiteURL.deliveryExport.path)?format=csv&\(filters)" : nil,
            canImport: context.viewer.can(.importData),
            tables: try await env.stores.masterData.tables().filter(\.active).map { Option(value: $0.id.description, label: $0.name, selected: false) },
            importResult: importResult)
        return try env.render("deliveries", request, context, title: t["deliveries_title"] ?? "", section: .workOrders, page,
                              status: errors.isEmpty ? status : .unprocessableContent)
    }

    /// One row per delivery line, so a spreadsheet can sum quantities by item.
    func export(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.exportData)
        let form = FormData.query(request)
        let format = try SheetFormat.requested(form)
        let (parsed, _, errors) = try await query(form, context)
        guard let query = parsed else { throw ValidationFailure([FieldError("filter", "invalid_choice", errors)]) }
        let t = env.t(context.language)
        let headers = ["field_delivery", "field_date", "status", "column_number", "column_legalName", "field_code", "field_description", "form_quantity",
                       "field_unit", "field_notes"]
        let sheet = SheetExport(columns: headers.map { SheetColumn(t[$0] ?? $0) }, sheetName: t["deliveries_title"] ?? "Entregas",
                                timeZone: context.timeZone, format: format, options: form)
        let stores = env.stores, viewer = context.viewer
        // Each delivery yields one row per line: the "items" written are the rows themselves.
        let file = try await sheet.write({ (emit: @escaping @Sendable ([SheetCell?]) -> Void) in
            try await stores.deliveries.export(query, by: viewer) { listing in
                let d = listing.delivery
                for line in d.lines {
                    emit([.integer(d.id.rawValue), .text(d.draft.date.description), .text(t["delivery_status_\(d.draft.status.rawValue)"] ?? ""),
                          .integer(listing.clientNumber), .text(listing.clientName), .text(line.code), .text(line.description),
                          .decimal(Double(line.quantityMilli) / 1000), line.unit.map { .text($0) }, d.draft.notes.map { .text($0) }])
                }
            }
        }) { $0 }
        let name = env.translator.text("export_deliveries_filename", context.language)
        return download(file, filename: "\(name)-\(ClientsController.today(context)).\(format.rawValue)", format: format)
    }

    /// Deliveries from a spreadsheet laid out as the download (lines of one delivery share its number; rows without
    /// one become new deliveries): checked, or checked and imported all or nothing.
    func importDeliveries(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.importData)
        do {
            let (fields, header, rows) = try await SheetRows.receive(request)
            guard let table = MasterTable.ID(string: fields["tableId"]) else { throw ValidationFailure([FieldError("tableId", "required")]) }
            let report = try await env.stores.deliveries.importDeliveries(tableID: table, header: header, rows: rows,
                                                                          commit: fields["commit"] == "1", by: context.viewer)
            return try await list(request, context, importResult: ImportResult(report, env: env, language: context.language), status: report.problems.isEmpty ? .ok : .unprocessableContent)
        } catch let error as SheetReadError {
            return try await list(request, context, addErrors: [env.translator.text(error.code, context.language)], status: .unprocessableContent)
        } catch let failure as ValidationFailure {
            return try await list(request, context, addErrors: env.messages(failure, context.language).list, status: .unprocessableContent)
        }
    }

    func load(_ context: SignedInContext) async throws -> (Delivery, Client) {
        guard let id = Delivery.ID(string: context.parameters.get("delivery")),
              let delivery = try await env.stores.deliveries.delivery(id, by: context.viewer),
              let client = try await env.stores.clients.client(delivery.clientID, scope: context.clientScope)
        else { throw StoreError.notFound }
        return (delivery, client)
    }
}
