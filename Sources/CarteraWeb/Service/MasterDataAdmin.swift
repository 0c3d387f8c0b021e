import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Master databases and price lists in administration: tables and their typed
/// columns, items with a price per list (search, add, edit), spreadsheet
/// download and import (dry run, then all-or-nothing commit).
struct MasterDataAdmin {
    let env: WebEnvironment

    static let pageSize = 50

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.masterTables.route) { request, context in try await self.tables(request, context) }
        group.post(SiteURL.masterTables.route) { request, context in try await self.createTable(request, context) }
        group.get("/admin/master-tables/:table") { request, context in try await self.page(request, context) }
        group.post("/admin/master-tables/:table") { request, context in try await self.updateTable(request, context) }
        group.post("/admin/master-tables/:table/fields") { request, context in try await self.addColumn(request, context) }
        group.post("/admin/master-tables/:table/fields/:key") { request, context in try await self.updateColumn(request, context) }
        group.post("/admin/master-tables/:table/items") { request, context in try await self.createItem(request, context) }
        group.get("/admin/master-tables/:table/items/:item") { request, context in try await self.itemPage(request, context) }
        group.post("/admin/master-tables/:table/items/:item") { request, context in try await self.updateItem(request, context) }
        group.get("/admin/master-tables/:table/export") { request, context in try await self.export(request, context) }
        group.post("/admin/master-tables/:table/import") { request, context in try await self.importItems(request, context) }
        group.get(SiteURL.priceLists.route) { request, context in try await self.priceLists(request, context) }
        group.post(SiteURL.priceLists.route) { request, context in try await self.createPriceList(request, context) }
        group.post("/admin/price-lists/:list") { request, context in try await self.updatePriceList(request, context) }
    }

    // MARK: Tables and price lists

    struct TablesPage: Encodable {
        struct Row: Encodable { let url: String; let name: String; let columns: String; let active: Bool }
        let rows: [Row]
        let errors: [String]
        let value: String
    }

    func tables(_ request: Request, _ context: SignedInContext, errors: [String] = [], value: String = "",
                status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let rows = try await env.stores.masterData.tables().map { table in
            TablesPage.Row(url: SiteURL.masterTable(table.id).path, name: table.name,
                           columns: table.columns.filter(\.active).map { $0.label(context.language) }.joined(separator: ", "), active: table.active)
        }
        return try env.render("admin-master-tables", request, context, title: env.t(context.language)["admin_master_tables"] ?? "",
                              section: .admin, TablesPage(rows: rows, errors: errors, value: value), status: status)
    }

    func createTable(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        do {
            let table = try await env.stores.masterData.createTable(name: form["name"] ?? "", by: context.viewer)
            return redirect(to: SiteURL.masterTable(table.id).path, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await tables(request, context, errors: env.messages(failure, context.language).list, value: form["name"] ?? "",
                                    status: .unprocessableContent)
        }
    }

    struct PriceListsPage: Encodable {
        struct Row: Encodable { let action: String; let name: String; let active: Bool; let version: Int64; let currency: String }
        let rows: [Row]
        let errors: [String]
        let value: String
    }

    func priceLists(_ request: Request, _ context: SignedInContext, errors: [String] = [], value: String = "",
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let rows = try await env.stores.masterData.priceLists().map {
            PriceListsPage.Row(action: SiteURL.priceList($0.id).path, name: $0.name, active: $0.active, version: $0.version, currency: $0.currency)
        }
        return try env.render("admin-price-lists", request, context, title: env.t(context.language)["admin_price_lists"] ?? "",
                              section: .admin, PriceListsPage(rows: rows, errors: errors, value: value), status: status)
    }

    func createPriceList(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        do {
            _ = try await env.stores.masterData.createPriceList(name: form["name"] ?? "", by: context.viewer)
            return redirect(.priceLists, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await priceLists(request, context, errors: env.messages(failure, context.language).list, value: form["name"] ?? "",
                                        status: .unprocessableContent)
        }
    }

    func updatePriceList(_ request: Request, _ context: SignedInContext) async throws -> Response {
        guard let id = PriceList.ID(string: context.parameters.get("list")) else { throw StoreError.notFound }
        let form = try await FormData.from(request)
        do {
            try await env.stores.masterData.updatePriceList(id, name: form["name"] ?? "", active: form.bool("active"),
                                                           expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer)
            return redirect(.priceLists, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await priceLists(request, context, errors: env.messages(failure, context.language).list, status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await priceLists(request, context, errors: [env.translator.text("conflict_reload", context.language)], status: .conflict)
        }
    }

    // MARK: One table

    struct TablePage: Encodable {
        struct ItemRow: Encodable { let url: String; let code: String; let description: String; let unit: String?; let prices: String; let active: Bool }
        struct PriceInput: Encodable { let name: String; let label: String; let value: String }
        let name: String
        let active: Bool
        let version: Int64
        let action: String
        let columns: FieldDefinitionsView
        let hasColumns: Bool
        let items: [ItemRow]
        let count: String
        let search: String
        let nextURL: String?
        let itemsAction: String
        let itemForm: ItemFormView
        let exportXLSX: String
        let exportCSV: String
        let importAction: String
        let importResult: ImportResult?
        let errors: [String]
    }

    /// The fields of an item form (add on the table page, edit on the item page).
    struct ItemFormView: Encodable {
        let code: String
        let description: String
        let unit: String
        let active: Bool
        let inputs: [ClientFormPage.CustomInput]
        let prices: [TablePage.PriceInput]
    }

    func page(_ request: Request, _ context: SignedInContext, itemForm: FormData? = nil, errors: FormErrors = .none,
              importReport: SheetImportReport? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let table = try await loadTable(context)
        let query = FormData.query(request)
        let search = query.text("q")
        let offset = max(0, Int(query["offset"] ?? "") ?? 0)
        let data = env.stores.masterData
        async let items = data.items(table.id, search: search, includeInactive: true, limit: Self.pageSize + 1, offset: offset)
        async let total = data.count(table.id, search: search, includeInactive: true)
        async let lists = data.priceLists()
        let t = env.t(context.language), base = SiteURL.masterTable(table.id).path
        let priceLists = try await lists
        let found = try await items
        let rows = found.prefix(Self.pageSize).map { priced in
            TablePage.ItemRow(url: base + "/items/\(priced.item.id)", code: priced.item.draft.code, description: priced.item.draft.description,
                              unit: priced.item.draft.unit, prices: Self.priceSummary(priced, priceLists, context.language),
                              active: priced.item.draft.active)
        }
        let page = TablePage(
            name: table.name, active: table.active, version: table.version, action: base,
            columns: FieldDefinitionsView(table.columns, base: base, version: table.version, t: t), hasColumns: !table.columns.isEmpty,
            items: rows, count: env.translator.text("items_count", context.language, ["count": env.count(try await total, context)]),
            search: search ?? "",
            nextURL: found.count > Self.pageSize ? "\(base)?q=\(search?.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&offset=\(offset + Self.pageSize)" : nil,
            itemsAction: base + "/items",
            itemForm: itemFormView(table, priceLists, form: itemForm, stored: nil, errors: errors, language: context.language),
            exportXLSX: base + "/export?format=xlsx", exportCSV: base + "/export?format=csv", importAction: base + "/import",
            importResult: importReport.map { ImportResult($0, env: env, language: context.language) { Self.label($0, table, context.language) } },
            errors: errors.list)
        return try env.render("admin-master-table", request, context, title: table.name, section: .admin, page, status: status)
    }

    func itemFormView(_ table: MasterTable, _ lists: [PriceList], form: FormData?, stored: PricedItem?, errors: FormErrors,
                      language: Language) -> ItemFormView {
        let d = stored?.item.draft
        return ItemFormView(
            code: form?["code"] ?? d?.code ?? "", description: form?["description"] ?? d?.description ?? "", unit: form?["unit"] ?? d?.unit ?? "",
            active: form.map { $0.bool("active") } ?? d?.active ?? true,
            inputs: table.columns.filter(\.active).map { column in
                ClientFormPage.CustomInput(column, name: "f_" + column.key,
                                           value: form?["f_" + column.key] ?? d?.values[column.key]?.displayText ?? "",
                                           error: errors.byField["customFields.\(column.key)"], language: language)
            },
            prices: lists.filter { $0.active || stored?.prices[$0.id] != nil }.map { list in
                TablePage.PriceInput(name: "price_\(list.id)", label: "\(list.name) (\(list.currency))",
                                     value: form?["price_\(list.id)"] ?? stored?.prices[list.id]?.formatted(language) ?? "")
            })
    }

    func updateTable(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let table = try await loadTable(context)
        let form = try await FormData.from(request)
        return try await saving(request, context, table) {
            _ = try await env.stores.masterData.updateTable(table.id, name: form["name"] ?? "", active: form.bool("active"),
                                                           expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer)
        }
    }

    func addColumn(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let table = try await loadTable(context)
        let form = try await FormData.from(request)
        return try await saving(request, context, table) {
            guard let type = CustomFieldType(rawValue: form["type"] ?? "") else { throw ValidationFailure([FieldError("type", "invalid_choice")]) }
            let columns = try table.columns.adding(labelES: form["labelEs"] ?? "", labelEN: form["labelEn"] ?? "", type: type,
                                                   required: form.bool("required"), choices: AssetKindsAdmin.lines(form["choices"]),
                                                   reserved: MasterTable.reservedKeys)
            _ = try await env.stores.masterData.updateTable(table.id, name: table.name, active: table.active, columns: columns,
                                                           expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer)
        }
    }

    func updateColumn(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let table = try await loadTable(context)
        let form = try await FormData.from(request)
        return try await saving(request, context, table) {
            guard let columns = try table.columns.updating(key: context.parameters.get("key") ?? "", labelES: form["labelEs"] ?? "",
                                                           labelEN: form["labelEn"] ?? "", required: form.bool("required"),
                                                           choices: AssetKindsAdmin.lines(form["choices"]), active: form.bool("active"))
            else { throw StoreError.notFound }
            _ = try await env.stores.masterData.updateTable(table.id, name: table.name, active: table.active, columns: columns,
                                                           expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer)
        }
    }

    // MARK: Items

    /// The posted item and its prices; a price that does not read as an amount names its list.
    func itemDraft(_ form: FormData, _ table: MasterTable, _ lists: [PriceList]) throws -> (MasterItemDraft, [PriceList.ID: Money?]) {
        var values: [String: CustomFieldValue] = [:]
        for column in table.columns where column.active {
            if let raw = form.text("f_" + column.key) { values[column.key] = .text(raw) }
        }
        var prices: [PriceList.ID: Money?] = [:]
        var errors: [FieldError] = []
        for list in lists {
            guard let raw = form["price_\(list.id)"] else { continue }
            if raw.trimmingCharacters(in: .whitespaces).isEmpty { prices[list.id] = .some(nil); continue }
            if let money = Money.parse(raw, currency: list.currency) { prices[list.id] = money } else {
                errors.append(FieldError("prices.\(list.name)", "invalid_amount"))
            }
        }
        let draft = MasterItemDraft(code: form["code"] ?? "", description: form["description"] ?? "", unit: form["unit"],
                                    values: values, active: form.bool("active"))
        _ = try draft.validated(table: table, after: errors)
        return (draft, prices)
    }

    func createItem(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let table = try await loadTable(context)
        let form = try await FormData.from(request)
        let lists = try await env.stores.masterData.priceLists()
        do {
            let (draft, prices) = try itemDraft(form, table, lists)
            _ = try await env.stores.masterData.createItem(table.id, draft, prices: prices, by: context.viewer)
            return redirect(to: SiteURL.masterTable(table.id).path, flash: env.translator.text("flash_item_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await page(request, context, itemForm: form, errors: messages(failure, table, context), status: .unprocessableContent)
        }
    }

    struct ItemPage: Encodable {
        let tableName: String
        let tableURL: String
        let title: String
        let action: String
        let version: Int64
        let form: ItemFormView
        let errors: [String]
    }

    func itemPage(_ request: Request, _ context: SignedInContext, form: FormData? = nil, errors: FormErrors = .none, version: Int64? = nil,
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let table = try await loadTable(context)
        let item = try await loadItem(context, table)
        let lists = try await env.stores.masterData.priceLists()
        let page = ItemPage(tableName: table.name, tableURL: SiteURL.masterTable(table.id).path,
                            title: "\(item.item.draft.code) · \(item.item.draft.description)",
                            action: SiteURL.masterTable(table.id).path + "/items/\(item.item.id)", version: version ?? item.item.version,
                            form: itemFormView(table, lists, form: form, stored: item, errors: errors, language: context.language),
                            errors: errors.list)
        return try env.render("admin-master-item", request, context, title: page.title, section: .admin, page, status: status)
    }

    func updateItem(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let table = try await loadTable(context)
        let item = try await loadItem(context, table)
        let form = try await FormData.from(request)
        let lists = try await env.stores.masterData.priceLists()
        let version = Int64(form["version"] ?? "") ?? 0
        do {
            let (draft, prices) = try itemDraft(form, table, lists)
            _ = try await env.stores.masterData.updateItem(item.item.id, draft, prices: prices, expectedVersion: version, by: context.viewer)
            return redirect(to: SiteURL.masterTable(table.id).path, flash: env.translator.text("flash_item_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await itemPage(request, context, form: form, errors: messages(failure, table, context), version: version,
                                      status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await itemPage(request, context, form: form,
                                      errors: FormErrors(byField: [:], list: [env.translator.text("conflict_reload", context.language)]),
                                      version: current, status: .conflict)
        }
    }

    // MARK: Spreadsheets

    /// Code, description, unit, the table's columns and one column per price list — the layout the import reads back.
    func export(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        let table = try await loadTable(context)
        let form = FormData.query(request)
        let format = try SheetFormat.requested(form)
        let t = env.t(context.language), language = context.language
        let lists = try await env.stores.masterData.priceLists()
        let columns = table.columns.filter(\.active)
        let headers = [t["field_code"] ?? "", t["field_description"] ?? "", t["field_unit"] ?? ""] + columns.map { $0.label(language) }
            + lists.map(\.name) + [t["active"] ?? ""]
        let sheet = SheetExport(columns: headers.map { SheetColumn($0) }, sheetName: String(table.name.prefix(31)), timeZone: context.timeZone,
                                format: format, options: form)
        let stores = env.stores, yes = t["yes"] ?? "", no = t["no"] ?? ""
        let file = try await sheet.write({ try await stores.masterData.export(table.id, $0) }) { priced in
            let d = priced.item.draft
            var cells: [SheetCell?] = [.text(d.code), .text(d.description), d.unit.map { .text($0) }]
            cells += columns.map { column in d.values[column.key].map { value -> SheetCell in
                switch value {
                case .integer(let i): .integer(i)
                case .decimal(let x): .decimal(x)
                case .bool(let b): .text(b ? yes : no)
                case .text(let s): .text(s)
                }
            } }
            // Amounts as numbers in the sheet (the import reads "1234.5" as well as "1.234,50").
            cells += lists.map { list in priced.prices[list.id].map { .decimal($0.decimalValue) } }
            cells.append(.text(d.active ? yes : no))
            return cells
        }
        return download(file, filename: "\(Normalization.searchKey(table.name).replacingOccurrences(of: " ", with: "-"))-\(ClientsController.today(context)).\(format.rawValue)",
                        format: format)
    }

    func importItems(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        let table = try await loadTable(context)
        let fields: [String: String], header: [String], rows: [[String]]
        do {
            (fields, header, rows) = try await SheetRows.receive(request)
        } catch let error as SheetReadError {
            return try await page(request, context, errors: FormErrors(byField: [:], list: [env.translator.text(error.code, context.language)]),
                                  status: .unprocessableContent)
        } catch let failure as ValidationFailure {
            return try await page(request, context, errors: env.messages(failure, context.language), status: .unprocessableContent)
        }
        let report = try await env.stores.masterData.importItems(table.id, header: header, rows: rows, commit: fields["commit"] == "1",
                                                                 by: context.viewer)
        return try await page(request, context, importReport: report, status: report.problems.isEmpty ? .ok : .unprocessableContent)
    }

    // MARK: Helpers

    static func priceSummary(_ priced: PricedItem, _ lists: [PriceList], _ language: Language) -> String {
        lists.compactMap { list in priced.prices[list.id].map { "\(list.name): \($0.formatted(language))" } }.joined(separator: " · ")
    }

    static func label(_ field: String, _ table: MasterTable, _ language: Language) -> String? {
        if field.hasPrefix("prices.") { return String(field.dropFirst("prices.".count)) }
        return table.columns.first { "customFields.\($0.key)" == field }?.label(language)
    }

    func messages(_ failure: ValidationFailure, _ table: MasterTable, _ context: SignedInContext) -> FormErrors {
        env.messages(failure, context.language) { Self.label($0, table, context.language) }
    }

    func saving(_ request: Request, _ context: SignedInContext, _ table: MasterTable, _ write: () async throws -> Void) async throws -> Response {
        do {
            try await write()
            return redirect(to: SiteURL.masterTable(table.id).path, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await page(request, context, errors: env.messages(failure, context.language), status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await page(request, context, errors: FormErrors(byField: [:], list: [env.translator.text("conflict_reload", context.language)]),
                                  status: .conflict)
        }
    }

    func loadTable(_ context: SignedInContext) async throws -> MasterTable {
        guard let id = MasterTable.ID(string: context.parameters.get("table")),
              let table = try await env.stores.masterData.table(id) else { throw StoreError.notFound }
        return table
    }

    func loadItem(_ context: SignedInContext, _ table: MasterTable) async throws -> PricedItem {
        guard let id = MasterItem.ID(string: context.parameters.get("item")), let item = try await env.stores.masterData.item(id),
              item.item.tableID == table.id else { throw StoreError.notFound }
        return item
    }
}
