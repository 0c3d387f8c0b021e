import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Equipment in the browser: the assets panel (search, kind, client, archived;
/// add by client number; downloads), the asset page (edit, archive, the orders
/// that involved it) and the card's section.
struct AssetsController {
    let env: WebEnvironment
    let clients: ClientsController

    static let pageSize = 50

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.assets.route) { request, context in try await self.list(request, context) }
        group.get(SiteURL.assetExport.route) { request, context in try await self.export(request, context) }
        group.get(SiteURL.newAsset.route) { request, context in try await self.newFromPanel(request, context) }
        group.post(SiteURL.assetImport.route) { request, context in try await self.importAssets(request, context) }
        group.get("/clients/:id/assets/new") { request, context in try await self.newForm(request, context) }
        group.post("/clients/:id/assets") { request, context in try await self.create(request, context) }
        group.get("/assets/:asset") { request, context in try await self.page(request, context) }
        group.post("/assets/:asset") { request, context in try await self.update(request, context) }
        group.post("/assets/:asset/archive") { request, context in try await self.setArchived(request, context, true) }
        group.post("/assets/:asset/restore") { request, context in try await self.setArchived(request, context, false) }
    }

    // MARK: The panel

    func query(_ form: FormData, _ context: SignedInContext) async throws -> (AssetQuery?, [String: String], [String]) {
        var values = ["q", "kind", "client", "archived"].reduce(into: [String: String]()) { $0[$1] = form.text($1) ?? "" }
        if values["archived"]!.isEmpty { values["archived"] = "active" }
        var query = AssetQuery(search: values["q"]!.isEmpty ? nil : values["q"], kindID: AssetKind.ID(string: values["kind"]),
                               archived: ClientQuery.Archived(rawValue: values["archived"]!) ?? .active, limit: Self.pageSize + 1,
                               offset: max(0, Int(form["offset"] ?? "") ?? 0))
        var errors: [String] = []
        if !values["client"]!.isEmpty {
            query.clientID = try await Int64(values["client"]!).asyncMap { try await env.stores.clients.client(number: $0, scope: context.clientScope)?.id }
            if query.clientID == nil { errors.append(env.translator.message(for: FieldError("clientNumber", "not_found"), context.language)) }
        }
        return (errors.isEmpty ? query : nil, values, errors)
    }

    func list(_ request: Request, _ context: SignedInContext, addErrors: [String] = [],
              importResult: ImportResult? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let form = FormData.query(request)
        let (query, values, errors) = try await query(form, context)
        let kinds = try await env.stores.assetKinds.kinds()
        var found: [AssetListing] = []
        var total = 0
        if let query {
            async let listed = env.stores.assets.list(query, by: context.viewer)
            async let counted = env.stores.assets.count(query, by: context.viewer)
            (found, total) = (try await listed, try await counted)
        }
        let t = env.t(context.language)
        let filters = FormData.encode(values)
        let offset = query?.offset ?? 0
        let canExport = context.viewer.can(.exportData)
        let byID = Dictionary(uniqueKeysWithValues: kinds.map { ($0.id, $0) })
        let page = AssetListPage(
            rows: found.prefix(Self.pageSize).map { AssetRow($0, kind: byID[$0.asset.draft.kindID], language: context.language) },
            empty: found.isEmpty, count: env.translator.text("assets_count", context.language, ["count": env.count(total, context)]),
            kinds: Option.list(kinds.map { ($0.id, $0.name) }, selected: values["kind"], emptyLabel: t["any"] ?? ""),
            addKinds: kinds.filter(\.active).map { Option(value: $0.id.description, label: $0.name, selected: false) },
            archivedChoices: ClientQuery.Archived.allCases.map {
                Option(value: $0.rawValue, label: t["archived_\($0.rawValue)"] ?? $0.rawValue, selected: values["archived"] == $0.rawValue)
            },
            values: values, errors: errors + addErrors,
            nextURL: found.count > Self.pageSize ? "\(SiteURL.assets.path)?\(filters)&offset=\(offset + Self.pageSize)" : nil,
            exportXLSX: canExport ? "\(SiteURL.assetExport.path)?format=xlsx&\(filters)" : nil,
            exportCSV: canExport ? "\(SiteURL.assetExport.path)?format=csv&\(filters)" : nil,
            canImport: context.viewer.can(.importData),
            importResult: importResult)
        return try env.render("assets", request, context, title: t["nav_assets"] ?? "", section: .assets, page,
                              status: errors.isEmpty ? status : .unprocessableContent)
    }

    /// The list as filtered, every row. With a kind chosen its fields are columns; otherwise one column holds them all.
    func export(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.exportData)
        let form = FormData.query(request)
        let format = try SheetFormat.requested(form)
        let (parsed, _, errors) = try await query(form, context)
        guard var query = parsed else { throw ValidationFailure([FieldError("filter", "invalid_choice", errors)]) }
        query.offset = 0
        let t = env.t(context.language), language = context.language
        let kinds = Dictionary(uniqueKeysWithValues: try await env.stores.assetKinds.kinds().map { ($0.id, $0) })
        let chosen = query.kindID.flatMap { kinds[$0] }?.fields.filter(\.active)
        let headers = ["field_kindId", "field_name", "field_serial", "column_number", "column_legalName"].map { t[$0] ?? $0 }
            + (chosen.map { $0.map { $0.label(language) } } ?? [t["asset_fields"] ?? ""]) + [t["column_archived"] ?? ""]
        let sheet = SheetExport(columns: headers.map { SheetColumn($0) }, sheetName: t["nav_assets"] ?? "Equipos", timeZone: context.timeZone,
                                format: format, options: form)
        let stores = env.stores, viewer = context.viewer, yes = t["yes"] ?? "", no = t["no"] ?? ""
        let file = try await sheet.write({ try await stores.assets.export(query, by: viewer, $0) }) { listing in
            let a = listing.asset
            var cells: [SheetCell?] = [.text(listing.kindName), .text(a.draft.name), a.draft.serial.map { .text($0) },
                                       .integer(listing.clientNumber), .text(listing.clientName)]
            if let chosen {
                cells += chosen.map { field in a.draft.values[field.key].map { value -> SheetCell in
                    switch value {
                    case .integer(let i): .integer(i)
                    case .decimal(let d): .decimal(d)
                    case .bool(let b): .text(b ? yes : no)
                    case .text(let s): .text(s)
                    }
                } }
            } else {
                let row = AssetRow(listing, kind: kinds[a.draft.kindID], language: language)
                cells.append(row.summary.isEmpty ? nil : .text(row.summary))
            }
            cells.append(.text(a.archived ? yes : no))
            return cells
        }
        let name = env.translator.text("export_assets_filename", context.language)
        return download(file, filename: "\(name)-\(ClientsController.today(context)).\(format.rawValue)", format: format)
    }

    /// Assets of one kind from a spreadsheet: checked, or checked and imported all or nothing.
    func importAssets(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.importData)
        do {
            let (fields, header, rows) = try await SheetRows.receive(request)
            let kind = try await chosenKind(fields["kindId"])
            let report = try await env.stores.assets.importAssets(kindID: kind.id, header: header, rows: rows, commit: fields["commit"] == "1",
                                                                  by: context.viewer)
            let result = ImportResult(report, env: env, language: context.language) { field in
                kind.fields.first { "customFields.\($0.key)" == field }?.label(context.language)
            }
            return try await list(request, context, importResult: result, status: report.problems.isEmpty ? .ok : .unprocessableContent)
        } catch let error as SheetReadError {
            return try await list(request, context, addErrors: [env.translator.text(error.code, context.language)], status: .unprocessableContent)
        } catch let failure as ValidationFailure {
            return try await list(request, context, addErrors: env.messages(failure, context.language).list, status: .unprocessableContent)
        }
    }

    /// "Add" on the panel: the client by number, then the usual form.
    func newFromPanel(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = FormData.query(request)
        guard let number = form.text("client").flatMap(Int64.init),
              let client = try await env.stores.clients.client(number: number, scope: context.clientScope) else {
            return try await list(request, context, addErrors: [env.translator.message(for: FieldError("clientNumber", "not_found"), context.language)],
                                  status: .unprocessableContent)
        }
        return redirect(to: SiteURL.newClientAsset(client.id).path + "?kind=" + (form["kind"] ?? ""))
    }

    // MARK: New, edit, archive

    func newForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let kind = try await chosenKind(FormData.query(request)["kind"])
        return try await render(request, context, client: client, kind: kind, asset: nil, form: AssetForm(nil), errors: .none)
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let posted = try await FormData.from(request)
        let kind = try await chosenKind(posted["kindId"])
        let form = AssetForm(posted, kind: kind)
        do {
            let asset = try await env.stores.assets.create(clientID: client.id, form.draft(kind: kind, keeping: nil), by: context.viewer)
            return redirect(to: SiteURL.asset(asset.id).path, flash: env.translator.text("flash_asset_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await render(request, context, client: client, kind: kind, asset: nil, form: form,
                                    errors: messages(failure, kind, context), status: .unprocessableContent)
        }
    }

    func page(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (asset, client) = try await load(context)
        let kind = try await chosenKind(asset.draft.kindID.description)
        return try await render(request, context, client: client, kind: kind, asset: asset, form: AssetForm(asset), errors: .none)
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (asset, client) = try await load(context)
        let posted = try await FormData.from(request)
        let kind = try await chosenKind(asset.draft.kindID.description)
        let form = AssetForm(posted, kind: kind)
        let version = Int64(posted["version"] ?? "") ?? 0
        do {
            _ = try await env.stores.assets.update(asset.id, form.draft(kind: kind, keeping: asset), expectedVersion: version, by: context.viewer)
            return redirect(to: SiteURL.asset(asset.id).path, flash: env.translator.text("flash_asset_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await render(request, context, client: client, kind: kind, asset: asset, form: form,
                                    errors: messages(failure, kind, context), version: version, status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await render(request, context, client: client, kind: kind, asset: asset, form: form,
                                    errors: FormErrors(byField: [:], list: [env.translator.text("conflict_reload", context.language)]),
                                    version: current, status: .conflict)
        }
    }

    func setArchived(_ request: Request, _ context: SignedInContext, _ archived: Bool) async throws -> Response {
        let (asset, _) = try await load(context)
        let form = try await FormData.from(request)
        do {
            _ = try await env.stores.assets.setArchived(asset.id, archived, expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer)
            return redirect(to: SiteURL.asset(asset.id).path,
                            flash: env.translator.text(archived ? "flash_asset_archived" : "flash_asset_restored", context.language))
        } catch StoreError.versionConflict {
            return redirect(to: SiteURL.asset(asset.id).path, flash: env.translator.text("conflict_reload", context.language))
        }
    }

    func render(_ request: Request, _ context: SignedInContext, client: Client, kind: AssetKind, asset: Asset?, form: AssetForm,
                errors: FormErrors, version: Int64? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        var orders: [WorkOrderListing] = []
        if let asset {
            var query = WorkOrderQuery(limit: 50)
            query.assetID = asset.id
            orders = try await env.stores.workOrders.list(query, by: context.viewer)
        }
        let page = AssetPage(
            title: asset.map { $0.draft.name } ?? env.translator.text("asset_new_kind", context.language, ["kind": kind.name]),
            clientName: "\(client.clientNumber) · \(client.displayName)", clientURL: SiteURL.client(client.id).path,
            kindName: kind.name,
            kindID: kind.id.description, action: asset.map { SiteURL.asset($0.id).path } ?? SiteURL.clientAssets(client.id).path,
            version: version ?? asset?.version, name: form.name, serial: form.serial,
            inputs: form.inputs(kind: kind, errors: errors, language: context.language), errors: errors.list, hasErrors: !errors.list.isEmpty,
            archived: asset?.archived ?? false,
            archiveAction: asset.flatMap { $0.archived ? nil : SiteURL.archiveAsset($0.id).path },
            restoreAction: asset.flatMap { $0.archived ? SiteURL.restoreAsset($0.id).path : nil },
            orders: orders.map { WorkOrderRow($0, env: env, context: context) }, hasOrders: !orders.isEmpty,
            newOrderURL: asset.map { SiteURL.newWorkOrder(client.id).path + "?asset=\($0.id)" })
        return try env.render("asset", request, context, title: page.title, section: .assets, page, status: status)
    }

    /// Field errors named by the kind's labels.
    func messages(_ failure: ValidationFailure, _ kind: AssetKind, _ context: SignedInContext) -> FormErrors {
        env.messages(failure, context.language) { field in
            kind.fields.first { "customFields.\($0.key)" == field }?.label(context.language)
        }
    }

    /// The kind named in the address or form; an unknown one is a bad request, not a 500.
    func chosenKind(_ raw: String?) async throws -> AssetKind {
        guard let id = AssetKind.ID(string: raw), let kind = try await env.stores.assetKinds.kind(id) else {
            throw ValidationFailure([FieldError("kindId", "unknown_reference")])
        }
        return kind
    }

    func load(_ context: SignedInContext) async throws -> (Asset, Client) {
        guard let id = Asset.ID(string: context.parameters.get("asset")),
              let asset = try await env.stores.assets.asset(id, by: context.viewer),
              let client = try await env.stores.clients.client(asset.clientID, scope: context.clientScope)
        else { throw StoreError.notFound }
        return (asset, client)
    }
}
