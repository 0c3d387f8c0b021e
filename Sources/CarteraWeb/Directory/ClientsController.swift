import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// The client list, card, form, archive and history pages.
struct ClientsController {
    let env: WebEnvironment
    static let pageSize = 50

    func register(_ group: RouterGroup<SignedInContext>) {
        // The list and the card read on the request's thread: see `Database.readingInline`.
        group.get(SiteURL.clients.route) { request, context in
            let form = FormData.query(request)
            return try await Database.readingInline(Self.readsBounded(form)) { try await self.list(form, request, context) }
        }
        group.get(SiteURL.clientExport.route) { request, context in try await self.export(request, context) }
        group.post(SiteURL.clientColumns.route) { request, context in try await self.saveColumns(request, context) }
        group.get(SiteURL.newClient.route) { request, context in try await self.newForm(request, context) }
        group.post(SiteURL.clients.route) { request, context in try await self.create(request, context) }
        group.get("/clients/:id") { request, context in try await Database.readingInline { try await self.card(request, context) } }
        group.get("/clients/:id/edit") { request, context in try await self.editForm(request, context) }
        group.post("/clients/:id") { request, context in try await self.update(request, context) }
        group.post("/clients/:id/archive") { request, context in try await self.archive(request, context, true) }
        group.post("/clients/:id/restore") { request, context in try await self.archive(request, context, false) }
        group.get("/clients/:id/history") { request, context in try await self.history(request, context) }
    }

    /// Whether a list request's reads are bounded: a page of rows and a capped count. Not the
    /// exact count when asked for, nor a search with a one-letter word, which the word index
    /// (prefixes of two letters and more) answers by merging every word that starts with it:
    /// “a” over a million clients takes a quarter of a second.
    static func readsBounded(_ form: FormData) -> Bool {
        form["count"] != "all" && !Normalization.queryWords(form["q"] ?? "").contains { $0.count < 2 }
    }

    func list(_ form: FormData, _ request: Request, _ context: SignedInContext) async throws -> Response {
        async let lookups = Lookups.load(env.stores)
        async let saved = env.stores.users.clientColumns(context.viewer.id)
        let query = ClientListQuery(form: form)
        let loaded = try await lookups
        let chosen = ClientColumn.chosen(saved: try await saved, lookups: loaded)
        var storeQuery = query.storeQuery(loaded, pageSize: Self.pageSize)
        storeQuery.parts = ClientListRows.parts(chosen)
        let result = try await env.stores.clients.list(storeQuery, scope: context.clientScope)
        let builder = ClientListBuilder(env: env, context: context, lookups: loaded, query: query,
                                        chosen: chosen, pageSize: Self.pageSize)
        return try env.render("clients", request, context, title: env.t(context.language)["nav_clients"] ?? "",
                              section: .clients, builder.build(result, storeQuery: storeQuery))
    }

    /// The list as shown — filters, search, sort, chosen columns, scope — as `.xlsx` or CSV.
    func export(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.exportData)
        let form = FormData.query(request)
        guard let format = ClientExport.Format(rawValue: form["format"] ?? "xlsx") else {
            throw ValidationFailure([FieldError("format", "invalid_choice")])
        }
        async let lookups = Lookups.load(env.stores)
        async let saved = env.stores.users.clientColumns(context.viewer.id)
        let loaded = try await lookups
        let query = ClientListQuery(form: form).storeQuery(loaded, pageSize: Self.pageSize)
        let export = ClientExport(lookups: loaded, columns: ClientColumn.chosen(saved: try await saved, lookups: loaded),
                                  language: context.language, t: env.t(context.language),
                                  timeZone: TimeZone(identifier: context.viewer.user.timeZone) ?? .gmt)
        let file = try await export.write(query, scope: context.clientScope, stores: env.stores, format: format,
                                          separator: form["sep"] == "comma" ? .comma : .semicolon,
                                          byteOrderMark: form["bom"] != "0")
        let name = env.translator.text("export_filename", context.language)
        return download(file, filename: "\(name)-\(Self.today(context)).\(format.rawValue)", format: format)
    }

    static func today(_ context: SignedInContext) -> String {
        let style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: context.viewer.user.timeZone) ?? .gmt).year().month().day()
        return Date().formatted(style)
    }

    func saveColumns(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        try await env.stores.users.setClientColumns(context.viewer.id, form.all("column"))
        return redirect(to: LoginController.safeNext(form["back"]))
    }

    func newForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.editClients)
        let lookups = try await Lookups.load(env.stores)
        return try renderForm(request, context, form: ClientForm(client: nil, definitions: lookups.activeFields), client: nil,
                              lookups: lookups, errors: .none)
    }

    func editForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.editClients)
        let client = try await load(request, context)
        let lookups = try await Lookups.load(env.stores)
        return try renderForm(request, context, form: ClientForm(client: client, definitions: lookups.activeFields),
                              client: client, lookups: lookups, errors: .none)
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.editClients)
        let lookups = try await Lookups.load(env.stores)
        let form = ClientForm(form: try await FormData.from(request), definitions: lookups.activeFields)
        do {
            let draft = try form.draft(keeping: [:], definitions: lookups.customFields)
            let client = try await env.stores.clients.create(draft, by: context.viewer)
            return redirect(.client(client.id), flash: env.translator.text("flash_client_created", context.language,
                                                                            ["number": String(client.clientNumber)]))
        } catch let failure as ValidationFailure {
            return try renderForm(request, context, form: form, client: nil, lookups: lookups,
                                  errors: messages(failure, context, lookups), status: .unprocessableContent)
        }
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.editClients)
        let client = try await load(request, context)
        let lookups = try await Lookups.load(env.stores)
        let raw = try await FormData.from(request)
        let form = ClientForm(form: raw, definitions: lookups.activeFields)
        let version = Int64(raw["version"] ?? "") ?? 0
        do {
            let draft = try form.draft(keeping: client.draft.customFields, definitions: lookups.customFields)
            _ = try await env.stores.clients.update(client.id, draft, expectedVersion: version, by: context.viewer)
            return redirect(.client(client.id), flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try renderForm(request, context, form: form, client: client, version: version, lookups: lookups,
                                  errors: messages(failure, context, lookups), status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            // Keep what the user typed; show what is stored now where it differs; the next save is deliberate.
            let stored = ClientForm(client: client, definitions: lookups.activeFields)
            let t = env.t(context.language)
            let differences = form.values.keys.sorted().compactMap { key -> String? in
                let mine = form.values[key] ?? "", theirs = stored.values[key] ?? ""
                guard mine.trimmed != theirs else { return nil }
                let label = t["field_\(key)"] ?? lookups.activeFields.first { "cf_" + $0.key == key }?.label(context.language) ?? key
                return "\(label): \(theirs.isEmpty ? "—" : theirs)"
            }
            return try renderForm(request, context, form: form, client: client, version: current, lookups: lookups,
                                  errors: FormErrors(byField: [:], list: [env.translator.text("conflict_client", context.language)]),
                                  conflict: differences, status: .conflict)
        }
    }

    func archive(_ request: Request, _ context: SignedInContext, _ archived: Bool) async throws -> Response {
        let id = try clientID(context)
        let form = try await FormData.from(request)
        do {
            _ = try await env.stores.clients.setArchived(id, archived, expectedVersion: Int64(form["version"] ?? ""),
                                                         by: context.viewer)
        } catch StoreError.versionConflict {
            return redirect(.client(id), flash: env.translator.text("conflict_reload", context.language))
        }
        return redirect(.client(id), flash: env.translator.text(archived ? "flash_archived" : "flash_restored", context.language))
    }

    func card(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await load(request, context)
        return try env.render("client", request, context, title: client.displayName, section: .clients,
                              try await cardPage(client, context))
    }

    /// The card with its contacts and follow-ups (pending first, then the latest done).
    func cardPage(_ client: Client, _ context: SignedInContext, contactForm: FormData? = nil,
                  contactErrors: FormErrors = .none, activityForm: ActivityForm? = nil,
                  activityErrors: FormErrors = .none) async throws -> ClientCardPage {
        // The card's reads do not depend on each other: `Database.reads` starts them together on
        // PostgreSQL and runs them in turn on SQLite, where they are on the request's thread
        // (`readingInline`). A request that never suspends holds its thread to the end, so it yields
        // once before building the page: without that, p99 under load went 20 → 45 ms.
        let stores = env.stores, scope = context.clientScope, viewer = context.viewer, id = client.id
        let (contacts, followUps, activities, categories, notes, projects, workOrders, rules, assets, assetKinds, forms,
             formTemplates, deliveries, openInvoices, opportunities, leads, deliveryFields, lookups) = try await stores.database.reads(
            { try await stores.contacts.contacts(of: id, scope: scope) },
            { try await stores.followUps.list(FollowUpQuery(clientID: id, limit: 30), by: viewer, timeZone: context.timeZone) },
            { try await stores.activities.list(ActivityQuery(person: .anyone, clientID: id, limit: 30), by: viewer) },
            { try await stores.organisation.activityCategories() },
            { try await stores.notes.list(NoteQuery(clientID: id, limit: 50), by: viewer) },
            { try await stores.projects.list(clientID: id, by: viewer) },
            { try await stores.workOrders.list(WorkOrderQuery(clientID: id, limit: 20), by: viewer) },
            { try await stores.recurringOrders.rules(of: id, by: viewer) },
            { try await stores.assets.list(AssetQuery(clientID: id, limit: 100), by: viewer) },
            { try await stores.assetKinds.kinds() },
            { try await stores.forms.forms(clientID: id, by: viewer, limit: 20) },
            { try await stores.forms.templates() },
            { try await stores.deliveries.list(DeliveryQuery(clientID: id, limit: 20), by: viewer) },
            { try await stores.receivables.openCount(clientID: id, by: viewer) },
            { try await stores.opportunities.list(OpportunityQuery(clientID: id, limit: 20), by: viewer) },
            { try await stores.leads.leads(of: id, by: viewer) },
            { try await DeliveriesController(env: self.env, clients: self).fields(nil, nil, context: context) },
            { try await Lookups.load(stores) })
        await Task.yield()
        let form = activityForm ?? ActivityForm(newFor: context.viewer, now: env.clock.now(), timeZone: context.timeZone)
        return ClientCardPage(client: client, contacts: contacts, followUps: followUps, lookups: lookups, env: env,
                              context: context, contactForm: contactForm, contactErrors: contactErrors,
                              activities: activities, activityForm: form, activityErrors: activityErrors,
                              activityChoices: ActivityFormChoices(form: form, categories: categories,
                                                                   users: lookups.users, contacts: contacts,
                                                                   projects: projects.map(\.project)),
                              notes: notes, projects: projects, workOrders: workOrders,
                              rules: rules, assets: assets,
                              assetKinds: assetKinds, forms: forms, formTemplates: formTemplates,
                              deliveries: deliveries, deliveryFields: deliveryFields, openInvoices: openInvoices,
                              opportunities: opportunities, leads: leads)
    }

    func history(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await load(request, context)
        let query = FormData.query(request)
        let kind = HistoryKind(rawValue: query["kind"] ?? "") ?? .all
        let pageSize = 100
        let events = try await env.stores.clients.history(client.id, by: context.viewer, limit: pageSize + 1, kind: kind,
                                                          before: Int64(query["before"] ?? ""))
        let lookups = try await Lookups.load(env.stores)
        let t = env.t(context.language)
        let page = ClientHistoryPage(
            clientURL: SiteURL.client(client.id).path, name: client.displayName,
            kinds: HistoryKind.allCases.map {
                ClientHistoryPage.Tab(url: SiteURL.clientHistory(client.id).path + ($0 == .all ? "" : "?kind=\($0.rawValue)"),
                                      label: t["history_kind_\($0.rawValue)"] ?? $0.rawValue, current: $0 == kind)
            },
            olderURL: events.count > pageSize ? SiteURL.clientHistory(client.id).path + "?kind=\(kind.rawValue)&before=\(events[pageSize - 1].id)" : nil,
            events: events.prefix(pageSize).map { event in
                ClientHistoryPage.Event(
                    when: env.dateTime(event.at, context), who: event.userName ?? "—",
                    what: t["audit_\(event.entity)_\(event.action)"] ?? "\(event.entity) \(event.action)",
                    changes: event.changes.map { change in
                        let label = t["field_\(change.field)"]
                            ?? lookups.customFields.first { "customFields.\($0.key)" == change.field }?.label(context.language)
                            ?? change.field
                        return .init(field: label, before: lookups.displayValue(change.field, change.before) ?? "—",
                                     after: lookups.displayValue(change.field, change.after) ?? "—")
                    })
            }, empty: events.isEmpty)
        return try env.render("client-history", request, context, title: client.displayName, section: .clients, page)
    }

    // MARK: Helpers

    func clientID(_ context: SignedInContext) throws -> Client.ID {
        guard let id = Client.ID(string: context.parameters.get("id")) else { throw StoreError.notFound }
        return id
    }

    func load(_ request: Request, _ context: SignedInContext) async throws -> Client {
        guard let client = try await env.stores.clients.client(try clientID(context), scope: context.clientScope) else {
            throw StoreError.notFound
        }
        return client
    }

    func messages(_ failure: ValidationFailure, _ context: SignedInContext, _ lookups: Lookups) -> FormErrors {
        env.messages(failure, context.language) { field in
            lookups.customFields.first { "customFields.\($0.key)" == field }?.label(context.language)
        }
    }

    func renderForm(_ request: Request, _ context: SignedInContext, form: ClientForm, client: Client?, version: Int64? = nil,
                    lookups: Lookups, errors: FormErrors, conflict: [String] = [],
                    status: HTTPResponse.Status = .ok) throws -> Response {
        let t = env.t(context.language)
        let page = ClientFormPage(
            form: form, action: client.map { SiteURL.client($0.id).path } ?? SiteURL.clients.path,
            cancel: client.map { SiteURL.client($0.id).path } ?? SiteURL.clients.path, isNew: client == nil,
            version: version ?? client?.version ?? 0, lookups: lookups, language: context.language, t: t,
            errors: errors, conflict: conflict)
        let title = client == nil ? t["client_new"] ?? "" : client!.displayName
        return try env.render("client-form", request, context, title: title, section: .clients, page, status: status)
    }
}
