import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Activities: the follow-up screen (mine and pending by default; others' or
/// finished ones by user, client, date range and status), Ok / back to
/// pending, a text copy, downloads; added from the client card.
struct ActivitiesController {
    let env: WebEnvironment
    let clients: ClientsController

    static let pageSize = 50

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.activities.route) { request, context in try await self.list(request, context) }
        group.get(SiteURL.activityExport.route) { request, context in try await self.export(request, context) }
        group.post("/clients/:id/activities") { request, context in try await self.create(request, context) }
        group.get("/activities/:activity/edit") { request, context in try await self.editForm(request, context) }
        group.post("/activities/:activity") { request, context in try await self.update(request, context) }
        group.post("/activities/:activity/done") { request, context in try await self.setStatus(request, context, .done) }
        group.post("/activities/:activity/reopen") { request, context in try await self.setStatus(request, context, .pending) }
    }

    /// The screen's filters read from the address; a client number that matches no visible client is an error.
    func query(_ form: FormData, _ context: SignedInContext) async throws -> (ActivityQuery?, [String: String], [String]) {
        let t = env.translator
        var values = ["person": form["person"] ?? "me", "status": form["status"] ?? "pending", "client": form.text("client") ?? "",
                      "contact": form.text("contact") ?? "", "from": form["from"] ?? "", "to": form["to"] ?? ""]
        if !FollowUpsController.seesOthers(context.viewer) { values["person"] = "me" }
        var errors: [String] = []
        let person = PersonFilter(key: values["person"]!)
        var clientID: Client.ID?
        if let number = Int64(values["client"]!) {
            clientID = try await env.stores.clients.client(number: number, scope: context.clientScope)?.id
        }
        if !values["client"]!.isEmpty && clientID == nil {
            errors.append(t.message(for: FieldError("clientNumber", "not_found"), context.language))
        }
        var contactID: Contact.ID?
        if let key = Int64(values["contact"]!) {
            contactID = try await env.stores.contacts.contact(key: key, scope: context.clientScope)?.id
        }
        if !values["contact"]!.isEmpty && contactID == nil {
            errors.append(t.message(for: FieldError("contactKey", "not_found"), context.language))
        }
        let (from, to, dateErrors) = LocalDateTime.dayRange(from: values["from"], to: values["to"], timeZone: context.timeZone)
        errors += dateErrors.map { t.message(for: $0, context.language) }
        let status: FollowUp.Status? = values["status"] == "all" ? nil : FollowUp.Status(rawValue: values["status"]!) ?? .pending
        guard errors.isEmpty else { return (nil, values, errors) }
        return (ActivityQuery(person: person, status: status, clientID: clientID, contactID: contactID, from: from, to: to,
                              limit: Self.pageSize + 1,
                              offset: max(0, Int(form["offset"] ?? "") ?? 0)), values, errors)
    }

    func list(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = FormData.query(request)
        let (query, values, errors) = try await query(form, context)
        var found: [ActivityListing] = []
        if let query { found = try await env.stores.activities.list(query, by: context.viewer) }
        let t = env.translator
        let canFilter = FollowUpsController.seesOthers(context.viewer)
        let users = canFilter ? try await env.stores.users.all().filter(\.active) : []
        let people = Option.people(users, selected: values["person"]!, viewer: context.viewer,
                                   mine: t.text("activities_mine", context.language), everyone: t.text("followups_everyone", context.language))
        let statuses = ["pending", "done", "all"].map {
            Option(value: $0, label: t.text("activities_status_\($0)", context.language), selected: values["status"] == $0)
        }
        let filters = FormData.encode(values)
        let offset = query?.offset ?? 0
        let canExport = context.viewer.can(.exportData)
        let page = ActivityListPage(
            rows: found.prefix(Self.pageSize).map { ActivityRow($0, env: env, context: context) }, empty: found.isEmpty,
            canFilter: canFilter, people: people, statuses: statuses, values: values, errors: errors,
            nextURL: found.count > Self.pageSize ? "\(SiteURL.activities.path)?\(filters)&offset=\(offset + Self.pageSize)" : nil,
            exportXLSX: canExport ? "\(SiteURL.activityExport.path)?format=xlsx&\(filters)" : nil,
            exportCSV: canExport ? "\(SiteURL.activityExport.path)?format=csv&\(filters)" : nil,
            back: request.uri.description, print: try await PrintHeader.make(env, context, title: t.text("nav_activities", context.language)))
        return try env.render("activities", request, context, title: t.text("nav_activities", context.language),
                              section: .activities, page, status: errors.isEmpty ? .ok : .unprocessableContent)
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
        let headers = ["field_activity_at", "column_number", "column_legalName", "field_contactId", "field_categoryId",
                       "field_userId", "field_detail", "status"]
        let sheet = SheetExport(columns: headers.map { SheetColumn(t[$0] ?? $0) }, sheetName: t["nav_activities"] ?? "Actividades",
                                timeZone: context.timeZone, format: format,
                                options: form)
        let stores = env.stores, viewer = context.viewer, done = t["activity_done_badge"] ?? "", pending = t["activity_pending_badge"] ?? ""
        let file = try await sheet.write({ try await stores.activities.export(query, by: viewer, $0) }) { listing in
            let a = listing.activity
            return [.dateTime(a.draft.at), .integer(listing.clientNumber), .text(listing.clientName), listing.contactName.map { .text($0) },
                    listing.categoryName.map { .text($0) }, .text(listing.userName), .text(a.draft.detail),
                    .text(a.status == .done ? done : pending)]
        }
        let name = env.translator.text("export_activities_filename", context.language)
        return download(file, filename: "\(name)-\(ClientsController.today(context)).\(format.rawValue)", format: format)
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = ActivityForm(try await FormData.from(request))
        do {
            _ = try await env.stores.activities.create(clientID: client.id, try form.draft(timeZone: context.timeZone), by: context.viewer)
            return redirect(to: SiteURL.client(client.id).path + "#activities",
                            flash: env.translator.text("flash_activity_saved", context.language))
        } catch let failure as ValidationFailure {
            let page = try await clients.cardPage(client, context, activityForm: form,
                                                  activityErrors: env.messages(failure, context.language))
            return try env.render("client", request, context, title: client.displayName, section: .clients, page,
                                  status: .unprocessableContent)
        }
    }

    func editForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (activity, client) = try await load(context)
        return try await render(request, context, form: ActivityForm(activity, timeZone: context.timeZone), client: client,
                                activity: activity, version: activity.version, errors: .none)
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (activity, client) = try await load(context)
        let posted = try await FormData.from(request)
        let form = ActivityForm(posted)
        let version = Int64(posted["version"] ?? "") ?? 0
        do {
            _ = try await env.stores.activities.update(activity.id, try form.draft(timeZone: context.timeZone),
                                                       expectedVersion: version, by: context.viewer)
            return redirect(to: SiteURL.client(client.id).path + "#activities",
                            flash: env.translator.text("flash_activity_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await render(request, context, form: form, client: client, activity: activity, version: version,
                                    errors: env.messages(failure, context.language), status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await render(request, context, form: form, client: client, activity: activity, version: current,
                                    errors: FormErrors(byField: [:], list: [env.translator.text("conflict_activity", context.language)]),
                                    status: .conflict)
        }
    }

    func setStatus(_ request: Request, _ context: SignedInContext, _ status: FollowUp.Status) async throws -> Response {
        guard let id = Activity.ID(string: context.parameters.get("activity")) else { throw StoreError.notFound }
        let form = try await FormData.from(request)
        let saved = try await env.stores.activities.setStatus(id, status, by: context.viewer)
        let back = LoginController.safeNext(form["back"], fallback: SiteURL.client(saved.clientID).path + "#activities")
        return redirect(to: back, flash: env.translator.text(status == .done ? "flash_activity_done" : "flash_activity_reopened",
                                                             context.language))
    }

    func load(_ context: SignedInContext) async throws -> (Activity, Client) {
        guard let id = Activity.ID(string: context.parameters.get("activity")),
              let activity = try await env.stores.activities.activity(id, by: context.viewer),
              let client = try await env.stores.clients.client(activity.clientID, scope: context.clientScope)
        else { throw StoreError.notFound }
        return (activity, client)
    }

    func render(_ request: Request, _ context: SignedInContext, form: ActivityForm, client: Client, activity: Activity,
                version: Int64, errors: FormErrors, status: HTTPResponse.Status = .ok) async throws -> Response {
        async let users = env.stores.users.all()
        async let contacts = env.stores.contacts.contacts(of: client.id, scope: context.clientScope)
        async let categories = env.stores.organisation.activityCategories()
        async let projects = env.stores.projects.list(clientID: client.id, by: context.viewer)
        let page = ActivityFormPage(
            action: SiteURL.activity(activity.id).path, cancel: SiteURL.client(client.id).path + "#activities",
            clientName: "\(client.clientNumber) · \(client.displayName)", version: version, values: form.values,
            fieldErrors: errors.byField, errors: errors.list, hasErrors: !errors.list.isEmpty,
            choices: ActivityFormChoices(form: form, categories: try await categories, users: try await users,
                                         contacts: try await contacts, projects: try await projects.map(\.project)))
        return try env.render("activity-form", request, context, title: env.translator.text("activity_edit", context.language),
                              section: .activities, page, status: status)
    }
}
