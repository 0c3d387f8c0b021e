import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Follow-ups: the central panel (today, overdue, this week, next week), the
/// client card's list, the form, and done / pending again in one click.
struct FollowUpsController {
    let env: WebEnvironment
    let clients: ClientsController

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.followUps.route) { request, context in try await self.panel(request, context) }
        group.get(SiteURL.followUpExport.route) { request, context in try await self.export(request, context) }
        group.get("/clients/:id/follow-ups/new") { request, context in try await self.newForm(request, context) }
        group.post("/clients/:id/follow-ups") { request, context in try await self.create(request, context) }
        group.get("/follow-ups/:followUp/edit") { request, context in try await self.editForm(request, context) }
        group.post("/follow-ups/:followUp") { request, context in try await self.update(request, context) }
        group.post("/follow-ups/:followUp/done") { request, context in try await self.setStatus(request, context, .done) }
        group.post("/follow-ups/:followUp/reopen") { request, context in try await self.setStatus(request, context, .pending) }
    }

    /// The panel's tab and responsible filter read from the address; only those who see others' work choose.
    func selection(_ query: FormData, _ context: SignedInContext) -> (FollowUpTab, String, PersonFilter) {
        let tab = FollowUpTab(rawValue: query["tab"] ?? "") ?? .today
        let responsibleKey = Self.seesOthers(context.viewer) ? (query["responsible"] ?? "me") : "me"
        return (tab, responsibleKey, PersonFilter(key: responsibleKey))
    }

    func panel(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = FormData.query(request)
        let (tab, responsibleKey, responsible) = selection(query, context)
        let canFilter = Self.seesOthers(context.viewer)
        let zone = context.timeZone
        let store = env.stores.followUps
        async let counts = store.counts(responsible: responsible, by: context.viewer, timeZone: zone)
        async let listings = store.list(FollowUpQuery(tab: tab, responsible: responsible), by: context.viewer, timeZone: zone)
        let users = canFilter ? try await env.stores.users.all().filter(\.active) : []
        let t = env.translator
        let numbers = try await counts
        let tabs = FollowUpTab.allCases.map { each in
            FollowUpPanelPage.Tab(label: t.text("followups_tab_\(each.rawValue)", context.language), count: numbers[each] ?? 0,
                                  url: "\(SiteURL.followUps.path)?tab=\(each.rawValue)&responsible=\(responsibleKey)",
                                  current: each == tab)
        }
        let responsibles = Option.people(users, selected: responsibleKey, viewer: context.viewer,
                                         mine: t.text("followups_mine", context.language),
                                         everyone: t.text("followups_everyone", context.language))
        let rows = try await listings.map { FollowUpRow($0, env: env, context: context) }
        let exportBase = "\(SiteURL.followUpExport.path)?tab=\(tab.rawValue)&responsible=\(responsibleKey)"
        let canExport = context.viewer.can(.exportData)
        let page = FollowUpPanelPage(tabs: tabs, tab: tab.rawValue, canFilter: canFilter, responsibles: responsibles, rows: rows,
                                     empty: rows.isEmpty, back: request.uri.description,
                                     exportXLSX: canExport ? exportBase + "&format=xlsx" : nil,
                                     exportCSV: canExport ? exportBase + "&format=csv" : nil,
                                     print: try await PrintHeader.make(env, context, title: "\(t.text("nav_followups", context.language)) — \(t.text("followups_tab_\(tab.rawValue)", context.language))"))
        return try env.render("follow-ups", request, context, title: t.text("nav_followups", context.language),
                              section: .followUps, page)
    }

    /// The tab as shown, every row, as `.xlsx` or CSV.
    func export(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.exportData)
        let form = FormData.query(request)
        let format = try SheetFormat.requested(form)
        let (tab, _, responsible) = selection(form, context)
        let t = env.t(context.language)
        let headers = ["field_dueAt", "column_number", "column_legalName", "field_contactId", "field_title", "field_description",
                       "field_colour", "field_responsibleId", "status", "field_remindMinutesBefore"]
        let sheet = SheetExport(columns: headers.map { SheetColumn(t[$0] ?? $0) }, sheetName: t["nav_followups"] ?? "Seguimientos",
                                timeZone: context.timeZone, format: format,
                                options: form)
        let stores = env.stores, viewer = context.viewer, zone = context.timeZone
        let file = try await sheet.write({
            try await stores.followUps.export(FollowUpQuery(tab: tab, responsible: responsible), by: viewer, timeZone: zone, $0)
        }) { listing in
            let f = listing.followUp
            return [.dateTime(f.draft.dueAt), .integer(listing.clientNumber), .text(listing.clientName),
                    listing.contactName.map { .text($0) }, .text(f.draft.title), f.draft.description.map { .text($0) },
                    .text(t["colour_\(f.draft.colour.rawValue)"] ?? f.draft.colour.rawValue), .text(listing.responsibleName),
                    .text(t[f.status == .done ? "followup_status_done" : "followup_status_pending"] ?? f.status.rawValue),
                    f.draft.remindMinutesBefore.map { .integer(Int64($0)) }]
        }
        let name = env.translator.text("export_followups_filename", context.language)
        return download(file, filename: "\(name)-\(ClientsController.today(context)).\(format.rawValue)", format: format)
    }

    /// Whether the user can see anyone else's follow-ups: a level above "own", or a team.
    static func seesOthers(_ viewer: Viewer) -> Bool {
        viewer.accessLevel != .own || !viewer.subordinateIDs.isEmpty
    }

    func newForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        var form = FollowUpForm(newFor: context.viewer, now: env.clock.now(), timeZone: context.timeZone)
        // Prefilled from an activity's "follow-up" link.
        let query = FormData.query(request)
        for key in ["title", "description"] { if let value = query.text(key) { form.values[key] = value } }
        return try await render(request, context, form: form, client: client, followUp: nil, errors: .none)
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = FollowUpForm(try await FormData.from(request))
        do {
            _ = try await env.stores.followUps.create(clientID: client.id, try form.draft(timeZone: context.timeZone),
                                                      by: context.viewer)
            return redirect(to: SiteURL.client(client.id).path + "#follow-ups",
                            flash: env.translator.text("flash_followup_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await render(request, context, form: form, client: client, followUp: nil,
                                    errors: env.messages(failure, context.language), status: .unprocessableContent)
        }
    }

    func editForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (followUp, client) = try await load(context)
        return try await render(request, context, form: FollowUpForm(followUp, timeZone: context.timeZone), client: client,
                                followUp: followUp, errors: .none)
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (followUp, client) = try await load(context)
        let posted = try await FormData.from(request)
        let form = FollowUpForm(posted)
        let version = Int64(posted["version"] ?? "") ?? 0
        do {
            _ = try await env.stores.followUps.update(followUp.id, try form.draft(timeZone: context.timeZone),
                                                      expectedVersion: version, by: context.viewer)
            return redirect(to: SiteURL.client(client.id).path + "#follow-ups",
                            flash: env.translator.text("flash_followup_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await render(request, context, form: form, client: client, followUp: followUp, version: version,
                                    errors: env.messages(failure, context.language), status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            // Keep what the user typed; the next save goes over the version they have now seen.
            let message = env.translator.text("conflict_followup", context.language)
            return try await render(request, context, form: form, client: client, followUp: followUp, version: current,
                                    errors: FormErrors(byField: [:], list: [message]), status: .conflict)
        }
    }

    func setStatus(_ request: Request, _ context: SignedInContext, _ status: FollowUp.Status) async throws -> Response {
        guard let id = FollowUp.ID(string: context.parameters.get("followUp")) else { throw StoreError.notFound }
        let form = try await FormData.from(request)
        let saved = try await env.stores.followUps.setStatus(id, status, by: context.viewer)
        let back = LoginController.safeNext(form["back"], fallback: SiteURL.client(saved.clientID).path + "#follow-ups")
        let message = status == .done ? "flash_followup_done" : "flash_followup_reopened"
        return redirect(to: back, flash: env.translator.text(message, context.language, ["title": saved.draft.title]))
    }

    func load(_ context: SignedInContext) async throws -> (FollowUp, Client) {
        guard let id = FollowUp.ID(string: context.parameters.get("followUp")),
              let followUp = try await env.stores.followUps.followUp(id, by: context.viewer),
              let client = try await env.stores.clients.client(followUp.clientID, scope: context.clientScope)
        else { throw StoreError.notFound }
        return (followUp, client)
    }

    func render(_ request: Request, _ context: SignedInContext, form: FollowUpForm, client: Client, followUp: FollowUp?,
                version: Int64? = nil, errors: FormErrors, status: HTTPResponse.Status = .ok) async throws -> Response {
        async let users = env.stores.users.all()
        async let contacts = env.stores.contacts.contacts(of: client.id, scope: context.clientScope)
        let action = followUp.map { SiteURL.followUp($0.id).path } ?? SiteURL.clientFollowUps(client.id).path
        let page = FollowUpFormPage(form: form, isNew: followUp == nil, action: action, client: client,
                                    version: version ?? followUp?.version ?? 0, errors: errors, users: try await users,
                                    contacts: try await contacts, env: env, context: context)
        let title = env.translator.text(followUp == nil ? "followup_new" : "followup_edit", context.language)
        return try env.render("follow-up-form", request, context, title: title, section: .followUps, page, status: status)
    }
}
