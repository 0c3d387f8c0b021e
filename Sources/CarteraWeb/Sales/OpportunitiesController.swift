import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Opportunities in the browser (seed 001): the list with filters and downloads,
/// the board by status, a new one from the client card, and the opportunity's
/// page where it moves through its statuses and its history is printed, copied
/// or downloaded.
struct OpportunitiesController {
    let env: WebEnvironment
    let clients: ClientsController

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.opportunities.route) { request, context in try await self.list(request, context) }
        group.get(SiteURL.opportunityExport.route) { request, context in try await self.export(request, context) }
        group.get("/clients/:id/opportunities/new") { request, context in try await self.newForm(request, context) }
        group.post("/clients/:id/opportunities") { request, context in try await self.create(request, context) }
        group.get("/opportunities/:opportunity") { request, context in try await self.page(request, context) }
        group.get("/opportunities/:opportunity/edit") { request, context in try await self.editForm(request, context) }
        group.post("/opportunities/:opportunity") { request, context in try await self.update(request, context) }
        group.post("/opportunities/:opportunity/step") { request, context in try await self.step(request, context) }
        group.get("/opportunities/:opportunity/history/export") { request, context in try await self.exportHistory(request, context) }
    }

    /// One opportunity in a list or on the board.
    struct Card: Encodable {
        let url: String
        let subject: String
        let clientName: String
        let clientURL: String
        let status: String
        let statusLabel: String
        let typeName: String?
        let agentName: String
        let nextContact: String?

        init(_ l: OpportunityListing, t: [String: String], language: Language) {
            let o = l.opportunity
            url = SiteURL.opportunity(o.id).path
            subject = o.draft.subject
            clientName = "\(l.clientNumber) · \(l.clientName)"
            clientURL = SiteURL.client(o.clientID).path
            status = o.status.rawValue
            statusLabel = t["opportunity_status_\(o.status.rawValue)"] ?? o.status.rawValue
            typeName = l.typeName
            agentName = l.agentName
            nextContact = o.nextContactOn?.formatted(language)
        }
    }

    // MARK: The list and the board

    struct ListPage: Encodable {
        struct Column: Encodable { let label: String; let status: String; let cards: [Card]; let count: Int }
        let board: Bool
        let cards: [Card]
        let columns: [Column]
        let empty: Bool
        let canFilter: Bool
        let people: [Option]
        let statuses: [Option]
        let types: [Option]
        let values: [String: String]
        let errors: [String]
        let listURL: String
        let boardURL: String
        let exportXLSX: String?
        let exportCSV: String?
    }

    func query(_ form: FormData, _ context: SignedInContext) async throws -> (OpportunityQuery?, [String: String], [String]) {
        let seesOthers = FollowUpsController.seesOthers(context.viewer)
        var values = ["view", "person", "status", "type", "client", "from", "to"].reduce(into: [String: String]()) { $0[$1] = form.text($1) ?? "" }
        if values["person"]!.isEmpty || !seesOthers { values["person"] = seesOthers ? "all" : "me" }
        if values["status"]!.isEmpty { values["status"] = "open" }
        var query = OpportunityQuery(limit: 500)
        query.agent = PersonFilter(key: values["person"]!)
        // The board shows every status in its columns.
        let statuses: Set<Opportunity.Status> = switch values["status"]! {
        case "all": []
        case "open": [.new, .waiting, .working]
        default: Opportunity.Status(rawValue: values["status"]!).map { [$0] } ?? [.new, .waiting, .working]
        }
        query.statuses = values["view"] == "board" ? [] : statuses
        query.typeID = OpportunityType.ID(string: values["type"])
        var errors: [String] = []
        if !values["client"]!.isEmpty {
            query.clientID = try await Int64(values["client"]!).asyncMap { try await env.stores.clients.client(number: $0, scope: context.clientScope)?.id }
            if query.clientID == nil { errors.append(env.translator.message(for: FieldError("clientNumber", "not_found"), context.language)) }
        }
        let range = LocalDateTime.dayRange(from: values["from"], to: values["to"], timeZone: context.timeZone)
        (query.from, query.to) = (range.from, range.to)
        errors += range.errors.map { env.translator.message(for: FieldError("dateFrom", $0.code), context.language) }
        return (errors.isEmpty ? query : nil, values, errors)
    }

    func list(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = FormData.query(request)
        let (query, values, errors) = try await query(form, context)
        let found = try await query.asyncMap { try await env.stores.opportunities.list($0, by: context.viewer) } ?? []
        let t = env.t(context.language)
        let cards = found.map { Card($0, t: t, language: context.language) }
        let canFilter = FollowUpsController.seesOthers(context.viewer)
        let users = canFilter ? try await env.stores.users.all().filter(\.active) : []
        let types = try await env.stores.opportunities.types()
        var plain = values
        plain["view"] = nil
        let filters = FormData.encode(plain)
        let canExport = context.viewer.can(.exportData)
        let page = ListPage(
            board: values["view"] == "board", cards: cards,
            columns: Opportunity.Status.allCases.map { status in
                let inColumn = cards.filter { $0.status == status.rawValue }
                return .init(label: t["opportunity_status_\(status.rawValue)"] ?? status.rawValue, status: status.rawValue, cards: inColumn,
                             count: inColumn.count)
            },
            empty: cards.isEmpty, canFilter: canFilter,
            people: Option.people(users, selected: values["person"]!, viewer: context.viewer, mine: t["activities_mine"] ?? "",
                                  everyone: t["followups_everyone"] ?? ""),
            statuses: (["open", "all"] + Opportunity.Status.allCases.map(\.rawValue)).map {
                Option(value: $0, label: t["opportunity_status_\($0)"] ?? $0, selected: values["status"] == $0)
            },
            types: Option.list(types.map { ($0.id, $0.name) }, selected: values["type"], emptyLabel: t["any"] ?? ""),
            values: values, errors: errors,
            listURL: "\(SiteURL.opportunities.path)?\(filters)", boardURL: "\(SiteURL.opportunities.path)?view=board&\(filters)",
            exportXLSX: canExport ? "\(SiteURL.opportunityExport.path)?format=xlsx&\(filters)" : nil,
            exportCSV: canExport ? "\(SiteURL.opportunityExport.path)?format=csv&\(filters)" : nil)
        return try env.render("opportunities", request, context, title: t["opportunities_title"] ?? "", section: .opportunities, page,
                              status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func export(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.exportData)
        let form = FormData.query(request)
        let format = try SheetFormat.requested(form)
        let (parsed, _, errors) = try await query(form, context)
        guard let query = parsed else { throw ValidationFailure([FieldError("filter", "invalid_choice", errors)]) }
        let t = env.t(context.language)
        let headers = ["field_created", "field_subject", "column_number", "column_legalName", "field_contactId", "field_typeId", "field_agentId",
                       "status", "field_nextContactOn", "field_invoiceNumber", "field_heardFrom", "field_observations"]
        let sheet = SheetExport(columns: headers.map { SheetColumn(t[$0] ?? $0) }, sheetName: t["opportunities_title"] ?? "",
                                timeZone: context.timeZone, format: format, options: form)
        let stores = env.stores, viewer = context.viewer
        let file = try await sheet.write({ emit in try await stores.opportunities.export(query, by: viewer, emit) }) {
            (l: OpportunityListing) -> [SheetCell?] in
            let o = l.opportunity
            return [.dateTime(o.createdAt), .text(o.draft.subject), .integer(l.clientNumber), .text(l.clientName), l.contactName.map { .text($0) },
                    l.typeName.map { .text($0) }, .text(l.agentName), .text(t["opportunity_status_\(o.status.rawValue)"] ?? o.status.rawValue),
                    o.nextContactOn.map { .text($0.description) }, o.invoiceNumber.map { .text($0) }, o.draft.heardFrom.map { .text($0) },
                    o.draft.observations.map { .text($0) }]
        }
        let name = env.translator.text("export_opportunities_filename", context.language)
        return download(file, filename: "\(name)-\(ClientsController.today(context)).\(format.rawValue)", format: format)
    }

    // MARK: New and edit

    struct FormPage: Encodable {
        let title: String
        let clientName: String
        let clientURL: String
        let action: String
        let version: Int64?
        let values: [String: String]
        let agents: [Option]
        let contacts: [Option]
        let types: [Option]
        let errors: [String]
    }

    static let fields = ["subject", "agentId", "contactId", "typeId", "heardFrom", "observations"]

    static func draft(_ form: FormData) throws(ValidationFailure) -> OpportunityDraft {
        guard let agent = User.ID(string: form["agentId"]) else {
            throw ValidationFailure([FieldError("agentId", "required")] + ((form.text("subject") == nil) ? [FieldError("subject", "required")] : []))
        }
        return try OpportunityDraft(contactID: Contact.ID(string: form["contactId"]), typeID: OpportunityType.ID(string: form["typeId"]),
                                    agentID: agent, subject: form["subject"] ?? "", observations: form["observations"],
                                    heardFrom: form["heardFrom"]).validated()
    }

    func formPage(_ request: Request, _ context: SignedInContext, client: Client, opportunity: Opportunity?, form: FormData?,
                  errors: [String] = [], version: Int64? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = env.t(context.language)
        let d = opportunity?.draft
        let values = form.map { f in Self.fields.reduce(into: [String: String]()) { $0[$1] = f[$1] ?? "" } } ?? [
            "subject": d?.subject ?? "", "agentId": (d?.agentID ?? context.viewer.id).description, "contactId": d?.contactID?.description ?? "",
            "typeId": d?.typeID?.description ?? "", "heardFrom": d?.heardFrom ?? "", "observations": d?.observations ?? "",
        ]
        async let users = env.stores.users.all()
        async let contacts = env.stores.contacts.contacts(of: client.id, scope: context.clientScope)
        async let types = env.stores.opportunities.types()
        let page = FormPage(
            title: opportunity == nil ? t["opportunity_new"] ?? "" : env.translator.text("opportunity_edit", context.language),
            clientName: "\(client.clientNumber) · \(client.displayName)", clientURL: SiteURL.client(client.id).path,
            action: opportunity.map { SiteURL.opportunity($0.id).path } ?? SiteURL.clientOpportunities(client.id).path,
            version: version ?? opportunity?.version, values: values,
            agents: Option.list(try await users.filter { $0.active || $0.id.description == values["agentId"] }.map { ($0.id, $0.name) },
                                selected: values["agentId"]),
            contacts: Option.list(try await contacts.map { ($0.id, $0.name) }, selected: values["contactId"]),
            types: Option.list(try await types.filter { $0.active || $0.id.description == values["typeId"] }.map { ($0.id, $0.name) },
                               selected: values["typeId"]),
            errors: errors)
        return try env.render("opportunity-form", request, context, title: page.title, section: .opportunities, page, status: status)
    }

    func newForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try await formPage(request, context, client: try await clients.load(request, context), opportunity: nil, form: nil)
    }

    func editForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (opportunity, client) = try await load(context)
        return try await formPage(request, context, client: client, opportunity: opportunity, form: nil)
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = try await FormData.from(request)
        do {
            let made = try await env.stores.opportunities.create(clientID: client.id, try Self.draft(form), by: context.viewer)
            return redirect(to: SiteURL.opportunity(made.id).path, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await formPage(request, context, client: client, opportunity: nil, form: form,
                                      errors: env.messages(failure, context.language).list, status: .unprocessableContent)
        }
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (opportunity, client) = try await load(context)
        let form = try await FormData.from(request)
        let version = Int64(form["version"] ?? "") ?? 0
        do {
            _ = try await env.stores.opportunities.update(opportunity.id, try Self.draft(form), expectedVersion: version, by: context.viewer)
            return redirect(to: SiteURL.opportunity(opportunity.id).path, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await formPage(request, context, client: client, opportunity: opportunity, form: form,
                                      errors: env.messages(failure, context.language).list, version: version, status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await formPage(request, context, client: client, opportunity: opportunity, form: form,
                                      errors: [env.translator.text("conflict_reload", context.language)], version: current, status: .conflict)
        }
    }

    // MARK: The opportunity's page

    struct Page: Encodable {
        struct Event: Encodable { let when: String; let user: String; let statusLabel: String; let details: [String] }
        let title: String
        let card: Card
        let contactName: String?
        let heardFrom: String?
        let observations: String?
        let invoiceNumber: String?
        let final: Bool
        let editURL: String
        let stepAction: String
        let version: Int64
        let steps: [Option]
        let values: [String: String]
        let errors: [String]
        let events: [Event]
        let copyText: String
        let historyXLSX: String
        let printedAt: String
    }

    func page(_ request: Request, _ context: SignedInContext, form: FormData? = nil, errors: [String] = [], version: Int64? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        // The listing is read under rule 2, which includes the client's scope.
        guard let id = Opportunity.ID(string: context.parameters.get("opportunity")),
              let listing = try await env.stores.opportunities.listing(id, by: context.viewer) else { throw StoreError.notFound }
        let opportunity = listing.opportunity
        let t = env.t(context.language)
        let language = context.language
        let history = try await env.stores.opportunities.history(of: opportunity.id, by: context.viewer)
        let events = history.map { e in
            Page.Event(when: env.dateTime(e.at, context), user: e.userName,
                       statusLabel: t["opportunity_status_\(e.status.rawValue)"] ?? e.status.rawValue,
                       details: Self.details(e.step, t: t, language: language))
        }
        let chosen = form?["to"] ?? (opportunity.status == .new ? Opportunity.Status.working.rawValue : opportunity.status.rawValue)
        let page = Page(
            title: "\(t["opportunity"] ?? ""): \(opportunity.draft.subject)", card: Card(listing, t: t, language: language),
            contactName: listing.contactName, heardFrom: opportunity.draft.heardFrom, observations: opportunity.draft.observations,
            invoiceNumber: opportunity.invoiceNumber, final: opportunity.status.isFinal,
            editURL: SiteURL.opportunity(opportunity.id).path + "/edit", stepAction: SiteURL.opportunity(opportunity.id).path + "/step",
            version: version ?? opportunity.version,
            steps: [Opportunity.Status.waiting, .working, .closed, .lost].map {
                Option(value: $0.rawValue, label: t["opportunity_step_\($0.rawValue)"] ?? $0.rawValue, selected: chosen == $0.rawValue)
            },
            values: ["comment", "nextContactOn", "invoiceNumber", "lostReason", "improvement"].reduce(into: [String: String]()) {
                $0[$1] = form?[$1] ?? ""
            },
            errors: errors, events: events,
            copyText: events.map { ([$0.when, $0.user, $0.statusLabel] + $0.details).joined(separator: " — ") }.joined(separator: "\n"),
            historyXLSX: SiteURL.opportunity(opportunity.id).path + "/history/export?format=xlsx",
            printedAt: env.dateTime(env.clock.now(), context))
        return try env.render("opportunity", request, context, title: page.title, section: .opportunities, page, status: status)
    }

    /// What a step wrote, as lines: its comment, then what its status asked for.
    static func details(_ s: OpportunityStep, t: [String: String], language: Language) -> [String] {
        [s.comment, s.nextContactOn.map { "\(t["field_nextContactOn"] ?? ""): \($0.formatted(language))" },
         s.invoiceNumber.map { "\(t["field_invoiceNumber"] ?? ""): \($0)" }, s.lostReason.map { "\(t["field_lostReason"] ?? ""): \($0)" },
         s.improvement.map { "\(t["field_improvement"] ?? ""): \($0)" }].compactMap { $0 }
    }

    func step(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (opportunity, _) = try await load(context)
        let form = try await FormData.from(request)
        let version = Int64(form["version"] ?? "") ?? 0
        do {
            guard let to = Opportunity.Status(rawValue: form["to"] ?? "") else { throw ValidationFailure([FieldError("status", "invalid_choice")]) }
            var errors: [FieldError] = []
            var next: CalendarDate?
            if let text = form.text("nextContactOn") {
                next = CalendarDate(text)
                if next == nil { errors.append(FieldError("nextContactOn", "invalid_date")) }
            }
            if !errors.isEmpty { throw ValidationFailure(errors) }
            let step = OpportunityStep(to: to, comment: form["comment"], nextContactOn: next, invoiceNumber: form["invoiceNumber"],
                                       lostReason: form["lostReason"], improvement: form["improvement"])
            _ = try await env.stores.opportunities.step(opportunity.id, step, expectedVersion: version, timeZone: context.timeZone, by: context.viewer)
            return redirect(to: SiteURL.opportunity(opportunity.id).path, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await page(request, context, form: form, errors: env.messages(failure, context.language).list, version: version,
                                  status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await page(request, context, form: form, errors: [env.translator.text("conflict_reload", context.language)],
                                  version: current, status: .conflict)
        }
    }

    func exportHistory(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (opportunity, _) = try await load(context)
        let form = FormData.query(request)
        let format = try SheetFormat.requested(form)
        let t = env.t(context.language)
        let history = try await env.stores.opportunities.history(of: opportunity.id, by: context.viewer)
        let sheet = SheetExport(columns: ["field_date", "field_userId", "status", "field_comment", "field_nextContactOn", "field_invoiceNumber",
                                          "field_lostReason", "field_improvement"].map { SheetColumn(t[$0] ?? $0) },
                                sheetName: t["opportunity_history"] ?? "", timeZone: context.timeZone, format: format, options: form)
        let file = try await sheet.write({ emit in history.forEach(emit) }) { (e: OpportunityEvent) -> [SheetCell?] in
            [.dateTime(e.at), .text(e.userName), .text(t["opportunity_status_\(e.status.rawValue)"] ?? e.status.rawValue),
             e.step.comment.map { .text($0) }, e.step.nextContactOn.map { .text($0.description) }, e.step.invoiceNumber.map { .text($0) },
             e.step.lostReason.map { .text($0) }, e.step.improvement.map { .text($0) }]
        }
        return download(file, filename: "\(env.translator.text("export_opportunity_filename", context.language))-\(opportunity.id).\(format.rawValue)",
                        format: format)
    }

    func load(_ context: SignedInContext) async throws -> (Opportunity, Client) {
        guard let id = Opportunity.ID(string: context.parameters.get("opportunity")),
              let opportunity = try await env.stores.opportunities.opportunity(id, by: context.viewer),
              let client = try await env.stores.clients.client(opportunity.clientID, scope: context.clientScope)
        else { throw StoreError.notFound }
        return (opportunity, client)
    }
}
