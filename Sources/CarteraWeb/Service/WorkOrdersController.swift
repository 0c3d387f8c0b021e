import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Work orders in the browser: the orders screen (filters, "today" and "this
/// week" for a technician, concept search, downloads), a new order from the
/// client card, the order page where services are registered and the order is
/// verified or reopened, and the edit page.
struct WorkOrdersController {
    let env: WebEnvironment
    let clients: ClientsController

    static let pageSize = 50

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.workOrders.route) { request, context in try await self.list(request, context) }
        group.get(SiteURL.workOrderExport.route) { request, context in try await self.export(request, context) }
        group.get(SiteURL.workOrderReport.route) { request, context in try await self.report(request, context) }
        group.get("/clients/:id/work-orders/new") { request, context in try await self.newForm(request, context) }
        group.post("/clients/:id/work-orders") { request, context in try await self.create(request, context) }
        group.get("/work-orders/:order") { request, context in try await self.page(request, context) }
        group.get("/work-orders/:order/edit") { request, context in try await self.editForm(request, context) }
        group.post("/work-orders/:order") { request, context in try await self.update(request, context) }
        group.post("/work-orders/:order/services") { request, context in try await self.registerService(request, context) }
        group.post("/work-orders/:order/verify") { request, context in try await self.verify(request, context) }
    }

    // MARK: The orders screen

    /// The screen's filters read from the address; numbers and keys that match nothing visible are errors.
    func query(_ form: FormData, _ context: SignedInContext) async throws -> (WorkOrderQuery?, [String: String], [String]) {
        let t = env.translator, language = context.language
        let seesOthers = FollowUpsController.seesOthers(context.viewer)
        let keys = ["view", "person", "status", "client", "contact", "project", "category", "q", "createdFrom", "createdTo",
                    "finishedFrom", "finishedTo"]
        var values = keys.reduce(into: [String: String]()) { $0[$1] = form.text($1) ?? "" }
        if values["person"]!.isEmpty || !seesOthers { values["person"] = seesOthers ? "all" : "me" }
        if values["status"]!.isEmpty { values["status"] = "pending" }
        var errors: [String] = []
        var query = WorkOrderQuery(limit: Self.pageSize + 1, offset: max(0, Int(form["offset"] ?? "") ?? 0))
        query.assignee = PersonFilter(key: values["person"]!)
        query.statuses = switch values["status"]! {
        case "all": []
        case "pending": [.open, .inProgress]
        default: WorkOrder.Status(rawValue: values["status"]!).map { [$0] } ?? [.open, .inProgress]
        }
        if !values["client"]!.isEmpty {
            query.clientID = try await Int64(values["client"]!).asyncMap { try await env.stores.clients.client(number: $0, scope: context.clientScope)?.id }
            if query.clientID == nil { errors.append(t.message(for: FieldError("clientNumber", "not_found"), language)) }
        }
        if !values["contact"]!.isEmpty {
            query.contactID = try await Int64(values["contact"]!).asyncMap { try await env.stores.contacts.contact(key: $0, scope: context.clientScope)?.id }
            if query.contactID == nil { errors.append(t.message(for: FieldError("contactKey", "not_found"), language)) }
        }
        if !values["project"]!.isEmpty {
            query.projectID = try await Int64(values["project"]!).asyncMap { try await env.stores.projects.project(key: $0, by: context.viewer)?.id }
            if query.projectID == nil { errors.append(t.message(for: FieldError("projectKey", "not_found"), language)) }
        }
        query.categoryID = ActivityCategory.ID(string: values["category"])
        query.concept = values["q"]!.isEmpty ? nil : values["q"]
        let created = LocalDateTime.dayRange(from: values["createdFrom"], to: values["createdTo"], timeZone: context.timeZone)
        let finished = LocalDateTime.dayRange(from: values["finishedFrom"], to: values["finishedTo"], timeZone: context.timeZone)
        (query.createdFrom, query.createdTo) = (created.from, created.to)
        (query.finishedFrom, query.finishedTo) = (finished.from, finished.to)
        errors += (created.errors.map { FieldError("createdFrom", $0.code) } + finished.errors.map { FieldError("finishedFrom", $0.code) })
            .map { t.message(for: $0, language) }
        // A technician's day or week: their pending orders with an appointment then.
        if let tab = ["today": FollowUpTab.today, "week": .week][values["view"]!] {
            let interval = tab.interval(now: env.clock.now(), timeZone: context.timeZone)
            (query.appointmentFrom, query.appointmentTo) = (interval.from, interval.to)
            query.assignee = .me
            query.statuses = [.open, .inProgress]
            values["person"] = "me"
            values["status"] = "pending"
        }
        return (errors.isEmpty ? query : nil, values, errors)
    }

    func list(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = FormData.query(request)
        // "Consulta individual": a number opens that order.
        if let number = form.text("number") {
            if let number = Int64(number), let order = try await env.stores.workOrders.order(number: number, by: context.viewer) {
                return redirect(to: SiteURL.workOrder(order.id).path)
            }
        }
        let (query, values, parsedErrors) = try await query(form, context)
        var errors = parsedErrors
        if form.text("number") != nil {
            errors.append(env.translator.message(for: FieldError("orderNumber", "not_found"), context.language))
        }
        var found: [WorkOrderListing] = []
        if let query { found = try await env.stores.workOrders.list(query, by: context.viewer) }
        let t = env.t(context.language)
        let canFilter = FollowUpsController.seesOthers(context.viewer)
        async let users = canFilter ? env.stores.users.all().filter(\.active) : []
        async let categories = env.stores.organisation.activityCategories()
        let people = Option.people(try await users, selected: values["person"]!, viewer: context.viewer,
                                   mine: t["activities_mine"] ?? "", everyone: t["followups_everyone"] ?? "")
        let statuses = (["pending", "all"] + WorkOrder.Status.allCases.map(\.rawValue)).map {
            Option(value: $0, label: t["order_status_\($0)"] ?? $0, selected: values["status"] == $0)
        }
        let filters = FormData.encode(values)
        let offset = query?.offset ?? 0
        let canExport = context.viewer.can(.exportData)
        let page = WorkOrderListPage(
            rows: found.prefix(Self.pageSize).map { WorkOrderRow($0, env: env, context: context) }, empty: found.isEmpty,
            canFilter: canFilter, people: people, statuses: statuses,
            categories: Option.list(try await categories.map { ($0.id, $0.name) }, selected: values["category"], emptyLabel: t["any"] ?? ""),
            moreFilters: ["category", "client", "contact", "project", "createdFrom", "createdTo", "finishedFrom", "finishedTo"]
                .contains { !(values[$0] ?? "").isEmpty },
            values: values, errors: errors,
            todayURL: SiteURL.workOrders.path + "?view=today", weekURL: SiteURL.workOrders.path + "?view=week", isToday: values["view"] == "today", isWeek: values["view"] == "week",
            nextURL: found.count > Self.pageSize ? "\(SiteURL.workOrders.path)?\(filters)&offset=\(offset + Self.pageSize)" : nil,
            exportXLSX: canExport ? "\(SiteURL.workOrderExport.path)?format=xlsx&\(filters)" : nil,
            exportCSV: canExport ? "\(SiteURL.workOrderExport.path)?format=csv&\(filters)" : nil)
        return try env.render("work-orders", request, context, title: t["nav_work_orders"] ?? "", section: .workOrders, page,
                              status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// The list as filtered, every row, as `.xlsx` or CSV.
    func export(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.exportData)
        let form = FormData.query(request)
        let format = try SheetFormat.requested(form)
        let (parsed, _, errors) = try await query(form, context)
        guard var query = parsed else { throw ValidationFailure([FieldError("filter", "invalid_choice", errors)]) }
        query.offset = 0
        let t = env.t(context.language)
        let headers = ["field_orderNumber", "status", "field_priority", "field_createdAt", "field_appointment", "column_number",
                       "column_legalName", "field_contactId", "field_categoryId", "field_assigneeId", "field_description",
                       "field_finishedAt", "field_rating"]
        let sheet = SheetExport(columns: headers.map { SheetColumn(t[$0] ?? $0) }, sheetName: t["nav_work_orders"] ?? "Órdenes",
                                timeZone: context.timeZone, format: format,
                                options: form)
        let stores = env.stores, viewer = context.viewer
        let file = try await sheet.write({ try await stores.workOrders.export(query, by: viewer, $0) }) { listing in
            let o = listing.order
            return [.integer(o.orderNumber), .text(t["order_status_\(o.status.rawValue)"] ?? ""), .text(t["priority_\(o.draft.priority.rawValue)"] ?? ""),
                    .dateTime(o.createdAt), o.draft.appointmentAt.map { .dateTime($0) }, .integer(listing.clientNumber),
                    .text(listing.clientName), listing.contactName.map { .text($0) }, listing.categoryName.map { .text($0) },
                    listing.assigneeName.map { .text($0) }, .text(o.draft.description), o.finishedAt.map { .dateTime($0) },
                    o.verification?.rating.map { .integer(Int64($0)) }]
        }
        let name = env.translator.text("export_work_orders_filename", context.language)
        return download(file, filename: "\(name)-\(ClientsController.today(context)).\(format.rawValue)", format: format)
    }

    // MARK: The report

    struct ReportPage: Encodable {
        struct Row: Encodable {
            let label: String; let count: String; let finished: String; let hours: String; let rating: String
            /// The bar's length in the table's SVG chart: this row's orders as a share (0–100) of the largest row's.
            var bar = 0
        }
        struct Table: Encodable { let title: String; let rows: [Row] }
        let tables: [Table]
        let total: Row
        let filters: String
        let errors: [String]
        let values: [String: String]
        let statuses: [Option]
        let categories: [Option]
        let people: [Option]
        let canFilter: Bool
        let exportXLSX: String?
        let exportCSV: String?
        let print: PrintHeader
    }

    /// Counts by status, assignee and category over the orders the filters match; printable, and as a spreadsheet.
    func report(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = FormData.query(request)
        var (query, values, errors) = try await query(form, context)
        if form["status"] == nil { values["status"] = "all"; query?.statuses = [] }
        let t = env.t(context.language), language = context.language
        let report = try await query.asyncMap { try await env.stores.workOrders.report($0, by: context.viewer) }
        let number = Foundation.Locale(identifier: language == .es ? "es_AR" : "en_US")
        func row(_ group: WorkOrderReport.Group, _ label: String, of largest: Int = 0) -> ReportPage.Row {
            ReportPage.Row(label: label, count: env.count(group.count, context), finished: env.count(group.finished, context),
                           hours: group.averageHoursToFinish.map { $0.formatted(.number.precision(.fractionLength(1)).locale(number)) } ?? "—",
                           rating: group.averageRating.map { $0.formatted(.number.precision(.fractionLength(1)).locale(number)) } ?? "—",
                           bar: largest > 0 ? group.count * 100 / largest : 0)
        }
        func rows(_ groups: [WorkOrderReport.Group], _ label: (WorkOrderReport.Group) -> String) -> [ReportPage.Row] {
            let largest = groups.map(\.count).max() ?? 0
            return groups.map { row($0, label($0), of: largest) }
        }
        let tables: [ReportPage.Table] = report.map { r in [
            .init(title: t["report_by_status"] ?? "", rows: rows(r.byStatus) { t["order_status_\($0.label ?? "")"] ?? $0.label ?? "" }),
            .init(title: t["report_by_assignee"] ?? "", rows: rows(r.byAssignee) { $0.label ?? t["order_unassigned"] ?? "" }),
            .init(title: t["report_by_category"] ?? "", rows: rows(r.byCategory) { $0.label ?? t["report_no_category"] ?? "" }),
        ] } ?? []
        let filters = FormData.encode(values)
        let canFilter = FollowUpsController.seesOthers(context.viewer)
        let users = canFilter ? try await env.stores.users.all().filter(\.active) : []
        let canExport = context.viewer.can(.exportData)
        let page = ReportPage(
            tables: tables,
            total: report.map { row($0.total, t["report_total"] ?? "") } ?? .init(label: t["report_total"] ?? "", count: "0", finished: "0", hours: "—", rating: "—"),
            filters: filters, errors: errors, values: values,
            statuses: (["all", "pending"] + WorkOrder.Status.allCases.map(\.rawValue)).map {
                Option(value: $0, label: t["order_status_\($0)"] ?? $0, selected: values["status"] == $0)
            },
            categories: Option.list(try await env.stores.organisation.activityCategories().map { ($0.id, $0.name) }, selected: values["category"],
                                    emptyLabel: t["any"] ?? ""),
            people: [Option(value: "all", label: t["followups_everyone"] ?? "", selected: values["person"] == "all"),
                     Option(value: "me", label: t["activities_mine"] ?? "", selected: values["person"] == "me")]
                + users.map { Option(value: $0.id.description, label: $0.name, selected: values["person"] == $0.id.description) },
            canFilter: canFilter,
            exportXLSX: canExport ? SiteURL.workOrderReport.path + "?download=xlsx&" + filters : nil,
            exportCSV: canExport ? SiteURL.workOrderReport.path + "?download=csv&" + filters : nil,
            print: try await PrintHeader.make(env, context, title: t["report_orders_title"] ?? ""))
        if let asked = form["download"], let report {
            try context.require(.exportData)
            guard let format = SheetFormat(rawValue: asked) else { throw ValidationFailure([FieldError("format", "invalid_choice")]) }
            let headers = ["report_group", "report_label", "report_count", "report_finished", "report_hours", "report_rating"].map { t[$0] ?? $0 }
            let sheet = SheetExport(columns: headers.map { SheetColumn($0) }, sheetName: t["report_orders_title"] ?? "", timeZone: context.timeZone,
                                    format: format, byteOrderMark: true)
            let groups: [(String, WorkOrderReport.Group, String)] = [(t["report_total"] ?? "", report.total, t["report_total"] ?? "")]
                + report.byStatus.map { (t["report_by_status"] ?? "", $0, t["order_status_\($0.label ?? "")"] ?? "") }
                + report.byAssignee.map { (t["report_by_assignee"] ?? "", $0, $0.label ?? t["order_unassigned"] ?? "") }
                + report.byCategory.map { (t["report_by_category"] ?? "", $0, $0.label ?? t["report_no_category"] ?? "") }
            let file = try await sheet.write({ emit in groups.forEach { emit(ReportSheetRow(group: $0.0, data: $0.1, label: $0.2)) } }) { item in
                [.text(item.group), .text(item.label), .integer(Int64(item.data.count)), .integer(Int64(item.data.finished)),
                 item.data.averageHoursToFinish.map { .decimal(($0 * 10).rounded() / 10) }, item.data.averageRating.map { .decimal(($0 * 10).rounded() / 10) }]
            }
            let name = env.translator.text("export_orders_report_filename", context.language)
            return download(file, filename: "\(name)-\(ClientsController.today(context)).\(format.rawValue)", format: format)
        }
        return try env.render("work-orders-report", request, context, title: t["report_orders_title"] ?? "", section: .workOrders, page,
                              status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    struct ReportSheetRow: Sendable { let group: String; let data: WorkOrderReport.Group; let label: String }

    // MARK: New and edit

    func newForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        var form = WorkOrderForm.blank
        let query = FormData.query(request)
        // From an asset's page: that asset is involved.
        if let asset = query["asset"] { form.assetIDs = [asset] }
        // From a project's page: that project.
        if let project = query["project"] { form.values["projectId"] = project }
        // From an activity ("what is left pending"): its contact, category, project and detail, if the viewer sees it.
        if let id = Activity.ID(string: query["activity"]), let activity = try await env.stores.activities.activity(id, by: context.viewer),
           activity.clientID == client.id {
            let a = activity.draft
            form.values["contactId"] = a.contactID?.description ?? ""
            form.values["categoryId"] = a.categoryID?.description ?? ""
            form.values["projectId"] = a.projectID?.description ?? ""
            form.values["description"] = a.detail
        }
        return try await renderForm(request, context, form: form, client: client, order: nil, version: nil, errors: .none)
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = WorkOrderForm(try await FormData.from(request))
        do {
            let order = try await env.stores.workOrders.create(clientID: client.id, try form.draft(timeZone: context.timeZone),
                                                               by: context.viewer)
            return redirect(to: SiteURL.workOrder(order.id).path,
                            flash: env.translator.text("flash_order_created", context.language, ["number": String(order.orderNumber)]))
        } catch let failure as ValidationFailure {
            return try await renderForm(request, context, form: form, client: client, order: nil, version: nil,
                                        errors: env.messages(failure, context.language), status: .unprocessableContent)
        }
    }

    func editForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (order, client) = try await load(context)
        return try await renderForm(request, context, form: WorkOrderForm(order, timeZone: context.timeZone), client: client,
                                    order: order, version: order.version, errors: .none)
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (order, client) = try await load(context)
        let posted = try await FormData.from(request)
        let form = WorkOrderForm(posted)
        let version = Int64(posted["version"] ?? "") ?? 0
        do {
            _ = try await env.stores.workOrders.update(order.id, try form.draft(timeZone: context.timeZone), expectedVersion: version,
                                                       by: context.viewer)
            return redirect(to: SiteURL.workOrder(order.id).path, flash: env.translator.text("flash_order_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await renderForm(request, context, form: form, client: client, order: order, version: version,
                                        errors: env.messages(failure, context.language), status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await renderForm(request, context, form: form, client: client, order: order, version: current,
                                        errors: FormErrors(byField: [:], list: [env.translator.text("conflict_order", context.language)]),
                                        status: .conflict)
        }
    }

    func renderForm(_ request: Request, _ context: SignedInContext, form: WorkOrderForm, client: Client, order: WorkOrder?,
                    version: Int64?, errors: FormErrors, status: HTTPResponse.Status = .ok) async throws -> Response {
        let choices = try await choices(form.values, assetIDs: form.assetIDs, client: client, context)
        let t = env.t(context.language)
        let page = WorkOrderFormPage(
            action: order.map { SiteURL.workOrder($0.id).path } ?? SiteURL.clientWorkOrders(client.id).path,
            cancel: order.map { SiteURL.workOrder($0.id).path } ?? SiteURL.client(client.id).path + "#work-orders",
            clientName: "\(client.clientNumber) · \(client.displayName)", version: version, values: form.values,
            errors: errors.list, hasErrors: !errors.list.isEmpty, choices: choices)
        let title = order.map { env.translator.text("order_edit", context.language, ["number": String($0.orderNumber)]) } ?? t["order_new"] ?? ""
        return try env.render("work-order-form", request, context, title: title, section: .workOrders, page, status: status)
    }

    /// The selects of an order (or a recurring rule's template) on `client`.
    func choices(_ values: [String: String], assetIDs: [String], client: Client, _ context: SignedInContext) async throws -> WorkOrderFormChoices {
        async let users = env.stores.users.all()
        async let contacts = env.stores.contacts.contacts(of: client.id, scope: context.clientScope)
        async let categories = env.stores.organisation.activityCategories()
        async let projects = env.stores.projects.list(clientID: client.id, by: context.viewer)
        async let assets = env.stores.assets.list(AssetQuery(clientID: client.id, archived: .all, limit: 500), by: context.viewer)
        return WorkOrderFormChoices(values: values, assetIDs: assetIDs, categories: try await categories, users: try await users,
                                    contacts: try await contacts, projects: try await projects.map(\.project), assets: try await assets,
                                    t: env.t(context.language))
    }

    // MARK: The order page

    func page(_ request: Request, _ context: SignedInContext, serviceForm: FormData? = nil, serviceErrors: [String] = [],
              verifyForm: FormData? = nil, verifyErrors: [String] = [], conflict: String? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let (order, client) = try await load(context)
        async let services = env.stores.workOrders.services(of: order.id, by: context.viewer)
        async let events = env.stores.workOrders.history(of: order.id, by: context.viewer)
        async let categories = env.stores.organisation.activityCategories()
        async let projects = env.stores.projects.list(clientID: client.id, by: context.viewer)
        async let contacts = env.stores.contacts.contacts(of: client.id, scope: context.clientScope)
        async let assets = env.stores.assets.list(AssetQuery(clientID: client.id, archived: .all, limit: 500), by: context.viewer)
        async let forms = env.stores.forms.forms(workOrderID: order.id, by: context.viewer)
        async let templates = env.stores.forms.templates()
        let lookups = try await Lookups.load(env.stores)
        let t = env.t(context.language)
        let d = order.draft
        let involved = try await assets.filter { d.assetIDs.contains($0.asset.id) }
            .map { "\($0.asset.draft.name) (\($0.kindName))" }.joined(separator: ", ")
        func item(_ key: String, _ value: String?) -> WorkOrderPage.Item? {
            guard let value, !value.isEmpty else { return nil }
            return WorkOrderPage.Item(label: t[key] ?? key, value: value)
        }
        let project = try await projects.first { $0.project.id == d.projectID }.map { "\($0.project.projectKey) · \($0.project.draft.name)" }
        let appointment = d.appointmentAt.map { at -> String in
            let shown = env.dateTime(at, context)
            // The wall time agreed with the client, when it was set in another zone than the viewer's.
            guard let zone = d.appointmentZone, zone != context.timeZone.identifier, let tz = TimeZone(identifier: zone) else { return shown }
            let (date, time) = LocalDateTime.parts(at, timeZone: tz)
            return "\(shown) (\(date) \(time) \(zone))"
        }
        let items: [WorkOrderPage.Item?] = [
            item("field_priority", t["priority_\(d.priority.rawValue)"]),
            item("field_categoryId", try await categories.first { $0.id == d.categoryID }?.name),
            item("field_assigneeId", lookups.userName(d.assigneeID) ?? t["order_unassigned"]),
            item("field_appointment", appointment),
            item("field_contactId", try await contacts.first { $0.id == d.contactID }?.name),
            item("field_projectId", project),
            item("order_assets", involved),
            item("field_equipmentReceived", d.equipmentReceived),
            item("field_createdAt", env.dateTime(order.createdAt, context) + " · " + (lookups.userName(order.ownerID) ?? "")),
            item("field_finishedAt", order.finishedAt.map { env.dateTime($0, context) }),
            item("field_rating", order.verification?.rating.map { String(repeating: "★", count: $0) + String(repeating: "☆", count: 5 - $0) }),
            item("field_customerComments", order.verification?.comments),
            item("order_verified_by", order.verification.map { "\(lookups.userName($0.byID) ?? "") · \(env.dateTime($0.at, context))" }),
            item("order_rule", order.ruleID.map { _ in t["order_rule_made"] ?? "" }),
        ]
        let (date, time) = LocalDateTime.parts(env.clock.now(), timeZone: context.timeZone)
        let categoryList = try await categories, contactList = try await contacts, projectList = try await projects
        /// An audited value as a person reads it: labels for codes, names for ids, local times.
        func display(_ field: String, _ value: String?) -> String {
            guard let value else { return "—" }
            let id = Int64(value)
            let shown: String? = switch field {
            case "status": t["order_status_\(value)"]
            case "priority": t["priority_\(value)"]
            case "categoryId": categoryList.first { $0.id.rawValue == id }?.name
            case "contactId": contactList.first { $0.id.rawValue == id }?.name
            case "projectId": projectList.first { $0.project.id.rawValue == id }.map { "\($0.project.projectKey) · \($0.project.draft.name)" }
            case "appointmentAt": ISO8601DateFormatter().date(from: value).map { env.dateTime($0, context) }
            default: lookups.displayValue(field, value)
            }
            return shown ?? value
        }
        let history = try await events.map { event in
            ClientHistoryPage.Event(
                when: env.dateTime(event.at, context), who: event.userName ?? t["history_system"] ?? "—",
                what: t["audit_work_order_\(event.action)"] ?? event.action,
                changes: event.changes.map { change in
                    .init(field: t["field_\(change.field)"] ?? change.field, before: display(change.field, change.before),
                          after: display(change.field, change.after))
                })
        }
        let closed = order.status == .verified || order.status == .cancelled
        let canVerify = context.viewer.can(.verifyOrders) && (order.status == .finished || order.status == .verified)
        let serviceRows = try await services.map {
            ServiceRow(when: env.dateTime($0.entry.at, context), userName: $0.userName, detail: $0.entry.detail, finishes: $0.entry.finishes)
        }
        let templateOptions = FormRow.templateOptions(try await templates)
        let page = WorkOrderPage(
            title: env.translator.text("order_title", context.language, ["number": String(order.orderNumber)]),
            status: order.status.rawValue, statusLabel: t["order_status_\(order.status.rawValue)"] ?? "",
            clientName: "\(client.clientNumber) · \(client.displayName)", clientURL: SiteURL.client(client.id).path,
            items: items.compactMap { $0 }, description: d.description, services: serviceRows, hasServices: !serviceRows.isEmpty,
            version: order.version, canRegister: !closed, serviceAction: SiteURL.workOrderServices(order.id).path,
            serviceValues: ["date": serviceForm?["date"] ?? date, "time": serviceForm?["time"] ?? time,
                            "detail": serviceForm?["detail"] ?? ""],
            serviceFinishes: serviceForm?.bool("finishes") == true,
            serviceErrors: serviceErrors, canVerify: canVerify, verifyAction: SiteURL.verifyWorkOrder(order.id).path,
            verifyValues: ["comments": verifyForm?["comments"] ?? ""], verifyClosed: verifyForm.map { $0.bool("closed") } ?? true,
            verifyErrors: verifyErrors,
            ratings: [Option(value: "", label: "—", selected: (verifyForm?["rating"] ?? "").isEmpty)] + (1...5).reversed().map {
                Option(value: String($0), label: String(repeating: "★", count: $0), selected: verifyForm?["rating"] == String($0))
            },
            editURL: closed ? nil : SiteURL.editWorkOrder(order.id).path, history: history, conflict: conflict,
            forms: try await forms.map { FormRow($0, env: env, context: context) },
            formTemplates: templateOptions, canFillForm: !closed && !templateOptions.isEmpty,
            newFormURL: SiteURL.newClientForm(client.id).path, orderID: order.id.description)
        return try env.render("work-order", request, context, title: page.title, section: .workOrders, page, status: status)
    }

    func registerService(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (order, _) = try await load(context)
        let form = try await FormData.from(request)
        do {
            var v = Validator()
            let at = v.instant(date: ("date", form["date"] ?? ""), time: ("time", form["time"] ?? ""), timeZone: context.timeZone)
            let detail = try ServiceEntry.validatedDetail(form["detail"] ?? "", after: v.errors)
            let saved = try await env.stores.workOrders.registerService(
                order.id, detail: detail, at: at ?? env.clock.now(), finishes: form.bool("finishes"),
                expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer)
            let flash = saved.status == .finished ? "flash_order_finished" : "flash_service_saved"
            return redirect(to: SiteURL.workOrder(order.id).path, flash: env.translator.text(flash, context.language))
        } catch let failure as ValidationFailure {
            return try await page(request, context, serviceForm: form, serviceErrors: env.messages(failure, context.language).list,
                                  status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await page(request, context, serviceForm: form, conflict: env.translator.text("conflict_order", context.language),
                                  status: .conflict)
        }
    }

    func verify(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.verifyOrders)
        let (order, _) = try await load(context)
        let form = try await FormData.from(request)
        do {
            var errors: [FieldError] = []
            let rating = form.text("rating").map { Int($0) }
            if case .some(nil) = rating { errors.append(FieldError("rating", "invalid_choice")) }
            let verdict = try VerificationDraft(comments: form["comments"], rating: rating ?? nil, closed: form.bool("closed"))
                .validated(after: errors)
            let saved = try await env.stores.workOrders.verify(order.id, verdict, expectedVersion: Int64(form["version"] ?? "") ?? 0,
                                                               by: context.viewer)
            let flash = saved.status == .verified ? "flash_order_verified" : "flash_order_reopened"
            return redirect(to: SiteURL.workOrder(order.id).path, flash: env.translator.text(flash, context.language))
        } catch let failure as ValidationFailure {
            return try await page(request, context, verifyForm: form, verifyErrors: env.messages(failure, context.language).list,
                                  status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await page(request, context, verifyForm: form, conflict: env.translator.text("conflict_order", context.language),
                                  status: .conflict)
        }
    }

    func load(_ context: SignedInContext) async throws -> (WorkOrder, Client) {
        guard let id = WorkOrder.ID(string: context.parameters.get("order")),
              let order = try await env.stores.workOrders.order(id, by: context.viewer),
              let client = try await env.stores.clients.client(order.clientID, scope: context.clientScope)
        else { throw StoreError.notFound }
        return (order, client)
    }
}
