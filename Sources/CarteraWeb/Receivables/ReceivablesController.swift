import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Receivables in the browser: a client's invoices, their notice settings
/// ("Avisos") and the notices sent; the list of every invoice in scope with
/// downloads and spreadsheet import; the notice concepts in administration.
struct ReceivablesController {
    let env: WebEnvironment
    let clients: ClientsController

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.receivables.route) { request, context in try await self.list(request, context) }
        group.get(SiteURL.receivableExport.route) { request, context in try await self.export(request, context) }
        group.post(SiteURL.receivableImport.route) { request, context in try await self.importSheet(request, context) }
        group.get("/clients/:id/receivables") { request, context in try await self.clientPage(request, context) }
        group.post("/clients/:id/receivables") { request, context in try await self.create(request, context) }
        group.post("/clients/:id/notice-settings") { request, context in try await self.saveSettings(request, context) }
        group.get("/receivables/:receivable") { request, context in try await self.editPage(request, context) }
        group.post("/receivables/:receivable") { request, context in try await self.update(request, context) }
        group.get(SiteURL.noticeConcepts.route) { request, context in try await self.concepts(request, context) }
        group.post(SiteURL.noticeConcepts.route) { request, context in try await self.saveConcept(request, context) }
        group.post("/admin/notice-concepts/:concept") { request, context in try await self.saveConcept(request, context) }
    }

    /// One invoice in a list.
    struct Row: Encodable {
        let number: String
        let url: String
        let clientName: String
        let clientURL: String
        let issue: String
        let due: String
        let amount: String
        let balance: String
        let paid: Bool
        let overdue: Bool

        init(_ listing: ReceivableListing, today: CalendarDate, language: Language) {
            let d = listing.receivable.draft
            number = d.number
            url = SiteURL.receivable(listing.receivable.id).path
            clientName = "\(listing.clientNumber) · \(listing.clientName)"
            clientURL = SiteURL.clientReceivables(listing.receivable.clientID).path
            issue = d.issueDate.formatted(language)
            due = d.dueDate.formatted(language)
            amount = d.amount.labelled(language)
            balance = d.balance.labelled(language)
            paid = !listing.receivable.isOpen
            overdue = listing.receivable.isOpen && d.dueDate < today
        }
    }

    func today(_ context: SignedInContext) -> CalendarDate {
        LocalDateTime.day(env.clock.now(), timeZone: context.timeZone)
    }

    // MARK: A client's invoices and notices

    struct ClientPage: Encodable {
        struct Notice: Encodable { let invoice: String; let concept: String; let when: String; let status: String?; let reason: String? }
        let title: String
        let clientName: String
        let clientURL: String
        let rows: [Row]
        let empty: Bool
        let invoice: [String: String]
        let invoiceErrors: [String]
        /// The add form starts open when it comes back with errors.
        let invoiceOpen: Bool
        let canEdit: Bool
        let settingsAction: String
        let settings: [String: String]
        let active: Bool
        let afterDueEnabled: Bool
        let consolidated: Bool
        let reminderConcepts: [Option]
        let afterDueConcepts: [Option]
        let contacts: [Option]
        let hasContacts: Bool
        let settingsErrors: [String]
        let notices: [Notice]
        let placeholders: String
    }

    func clientPage(_ request: Request, _ context: SignedInContext, invoiceForm: FormData? = nil, invoiceErrors: [String] = [],
                    settingsForm: FormData? = nil, settingsErrors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let client = try await clients.load(request, context)
        let language = context.language
        let t = env.t(language)
        async let invoices = env.stores.receivables.list(clientID: client.id, by: context.viewer)
        async let concepts = env.stores.notices.concepts()
        async let contacts = env.stores.contacts.contacts(of: client.id, scope: context.clientScope)
        async let notices = env.stores.notices.notices(clientID: client.id, by: context.viewer)
        let stored = try await env.stores.notices.settings(clientID: client.id, by: context.viewer) ?? NoticeSettings()
        let company = try await env.stores.organisation.company()
        let values: [String: String] = settingsForm.map { f in
            ["version", "subject", "reminderConceptId", "afterDueConceptId", "reminderBody", "afterDueBody"]
                .reduce(into: [String: String]()) { $0[$1] = f[$1] ?? "" }
        } ?? [
            "version": String(stored.version), "subject": stored.subject.isEmpty ? t["notice_default_subject"] ?? "" : stored.subject,
            "reminderConceptId": stored.reminderConceptID?.description ?? "", "afterDueConceptId": stored.afterDueConceptID?.description ?? "",
            "reminderBody": stored.reminderBody.isEmpty ? t["notice_default_reminder"] ?? "" : stored.reminderBody,
            "afterDueBody": stored.afterDueBody.isEmpty ? t["notice_default_after_due"] ?? "" : stored.afterDueBody,
        ]
        let chosenContacts = settingsForm.map { Set($0.all("contactIds")) } ?? Set(stored.contactIDs.map(\.description))
        let allConcepts = try await concepts
        func options(_ kind: NoticeConcept.Kind, _ selected: String?) -> [Option] {
            Option.list(allConcepts.filter { $0.kind == kind && ($0.active || $0.id.description == selected) }
                            .map { ($0.id, "\($0.description) (\($0.days))") }, selected: selected)
        }
        let today = today(context)
        let rows = try await invoices.map { Row($0, today: today, language: language) }
        let page = ClientPage(
            title: env.translator.text("receivables_client_title", language, ["client": client.displayName]),
            clientName: "\(client.clientNumber) · \(client.displayName)", clientURL: SiteURL.client(client.id).path,
            rows: rows, empty: rows.isEmpty,
            invoice: ["number", "issueDate", "dueDate", "amount", "balance", "currency"].reduce(into: [String: String]()) {
                $0[$1] = invoiceForm?[$1] ?? ""
            }.merging(["currency": invoiceForm?["currency"] ?? company?.currency ?? "",
                       "issueDate": invoiceForm?["issueDate"] ?? today.description]) { $1 },
            invoiceErrors: invoiceErrors, invoiceOpen: !invoiceErrors.isEmpty, canEdit: context.viewer.can(.editClients),
            settingsAction: SiteURL.clientNoticeSettings(client.id).path, settings: values,
            active: settingsForm.map { $0.bool("active") } ?? stored.active,
            afterDueEnabled: settingsForm.map { $0.bool("afterDueEnabled") } ?? stored.afterDueEnabled,
            consolidated: settingsForm.map { $0.bool("consolidated") } ?? stored.consolidated,
            reminderConcepts: options(.beforeDue, values["reminderConceptId"]), afterDueConcepts: options(.afterDue, values["afterDueConceptId"]),
            contacts: try await contacts.map {
                Option(value: $0.id.description, label: $0.name + ($0.email.map { " <\($0)>" } ?? ""), selected: chosenContacts.contains($0.id.description))
            },
            hasContacts: try await !contacts.isEmpty, settingsErrors: settingsErrors,
            notices: try await notices.map {
                .init(invoice: $0.invoiceNumber, concept: $0.conceptDescription, when: env.dateTime($0.createdAt, context),
                      status: $0.status.map { t["outbox_status_\($0.rawValue)"] ?? $0.rawValue }, reason: $0.reason.map { t["outbox_reason_\($0)"] ?? $0 })
            },
            placeholders: t["notice_placeholders"] ?? "")
        return try env.render("receivables-client", request, context, title: page.title, section: .clients, page, status: status)
    }

    /// The invoice form's fields; amounts in `currency` (the company's by default); an empty balance is the whole amount.
    static func draft(_ form: FormData) throws(ValidationFailure) -> ReceivableDraft {
        var errors: [FieldError] = []
        func date(_ key: String) -> CalendarDate? {
            guard let text = form.text(key) else { errors.append(FieldError(key, "required")); return nil }
            guard let date = CalendarDate(text) else { errors.append(FieldError(key, "invalid_date")); return nil }
            return date
        }
        let currency = (form.text("currency") ?? "").uppercased()
        if currency.count != 3 { errors.append(FieldError("currency", "invalid_currency")) }
        func money(_ key: String) -> Money? {
            guard let text = form.text(key) else { return nil }
            guard let value = Money.parse(text, currency: currency) else { errors.append(FieldError(key, "invalid_amount")); return nil }
            return value
        }
        let issue = date("issueDate"), due = date("dueDate")
        let amount = money("amount")
        if amount == nil && form.text("amount") == nil { errors.append(FieldError("amount", "required")) }
        let balance = money("balance") ?? amount
        guard errors.isEmpty, let issue, let due, let amount, let balance else { throw ValidationFailure(errors) }
        return try ReceivableDraft(number: form["number"] ?? "", issueDate: issue, dueDate: due, amount: amount, balance: balance,
                                   paid: form.bool("paid")).validated()
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        try context.require(.editClients)
        let form = try await FormData.from(request)
        do {
            _ = try await env.stores.receivables.create(clientID: client.id, try Self.draft(form), by: context.viewer)
            return redirect(to: SiteURL.clientReceivables(client.id).path, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await clientPage(request, context, invoiceForm: form, invoiceErrors: env.messages(failure, context.language).list,
                                        status: .unprocessableContent)
        }
    }

    func saveSettings(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = try await FormData.from(request)
        let settings = NoticeSettings(
            active: form.bool("active"), subject: form["subject"] ?? "", contactIDs: form.all("contactIds").compactMap { Contact.ID(string: $0) },
            reminderConceptID: NoticeConcept.ID(string: form["reminderConceptId"]), afterDueEnabled: form.bool("afterDueEnabled"),
            afterDueConceptID: NoticeConcept.ID(string: form["afterDueConceptId"]), reminderBody: form["reminderBody"] ?? "",
            afterDueBody: form["afterDueBody"] ?? "", consolidated: form.bool("consolidated"), version: Int64(form["version"] ?? "") ?? 0)
        do {
            _ = try await env.stores.notices.saveSettings(clientID: client.id, settings, by: context.viewer)
            return redirect(to: SiteURL.clientReceivables(client.id).path + "#notices", flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await clientPage(request, context, settingsForm: form, settingsErrors: env.messages(failure, context.language).list,
                                        status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await clientPage(request, context, settingsForm: form,
                                        settingsErrors: [env.translator.text("conflict_reload", context.language)], status: .conflict)
        }
    }

    // MARK: One invoice

    struct EditPage: Encodable {
        let title: String
        let clientName: String
        let clientURL: String
        let action: String
        let version: Int64
        let invoice: [String: String]
        let paid: Bool
        let errors: [String]
    }

    func editPage(_ request: Request, _ context: SignedInContext, form: FormData? = nil, errors: [String] = [], version: Int64? = nil,
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        let (receivable, client) = try await load(context)
        let d = receivable.draft
        let stored = ["number": d.number, "issueDate": d.issueDate.description, "dueDate": d.dueDate.description,
                      "amount": d.amount.formatted(context.language), "balance": d.balance.formatted(context.language), "currency": d.amount.currency]
        let page = EditPage(
            title: env.translator.text("receivable_title", context.language, ["number": d.number]),
            clientName: "\(client.clientNumber) · \(client.displayName)", clientURL: SiteURL.clientReceivables(client.id).path,
            action: SiteURL.receivable(receivable.id).path, version: version ?? receivable.version,
            invoice: stored.mapValues { $0 }.merging(form.map { f in stored.keys.reduce(into: [String: String]()) { $0[$1] = f[$1] ?? "" } } ?? [:]) { $1 },
            paid: form.map { $0.bool("paid") } ?? d.paid, errors: errors)
        return try env.render("receivable", request, context, title: page.title, section: .clients, page, status: status)
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (receivable, client) = try await load(context)
        try context.require(.editClients)
        let form = try await FormData.from(request)
        let version = Int64(form["version"] ?? "") ?? 0
        do {
            _ = try await env.stores.receivables.update(receivable.id, try Self.draft(form), expectedVersion: version, by: context.viewer)
            return redirect(to: SiteURL.clientReceivables(client.id).path, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await editPage(request, context, form: form, errors: env.messages(failure, context.language).list, version: version,
                                      status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await editPage(request, context, form: form, errors: [env.translator.text("conflict_reload", context.language)],
                                      version: current, status: .conflict)
        }
    }

    func load(_ context: SignedInContext) async throws -> (Receivable, Client) {
        guard let id = Receivable.ID(string: context.parameters.get("receivable")),
              let receivable = try await env.stores.receivables.receivable(id, by: context.viewer),
              let client = try await env.stores.clients.client(receivable.clientID, scope: context.clientScope)
        else { throw StoreError.notFound }
        return (receivable, client)
    }

    // MARK: Every invoice

    struct ListPage: Encodable {
        let rows: [Row]
        let empty: Bool
        let open: Bool
        let client: String
        let errors: [String]
        let exportXLSX: String?
        let exportCSV: String?
        let canImport: Bool
        let importResult: ImportResult?
    }

    /// The list's filters: open only, a client by number.
    func filters(_ form: FormData, _ context: SignedInContext) async throws -> (open: Bool, client: Client.ID?, number: String, errors: [String]) {
        let number = form.text("client") ?? ""
        var clientID: Client.ID?
        var errors: [String] = []
        if !number.isEmpty {
            clientID = try await Int64(number).asyncMap { try await env.stores.clients.client(number: $0, scope: context.clientScope)?.id }
            if clientID == nil { errors.append(env.translator.message(for: FieldError("clientNumber", "not_found"), context.language)) }
        }
        return (form["open"] != "0", clientID, number, errors)
    }

    func list(_ request: Request, _ context: SignedInContext, addErrors: [String] = [],
              importResult: ImportResult? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let form = FormData.query(request)
        let (open, clientID, number, errors) = try await filters(form, context)
        let found = errors.isEmpty ? try await env.stores.receivables.list(clientID: clientID, openOnly: open, by: context.viewer, limit: 500) : []
        let today = today(context)
        let filters = FormData.encode(["open": open ? "1" : "0", "client": number])
        let canExport = context.viewer.can(.exportData)
        let page = ListPage(
            rows: found.map { Row($0, today: today, language: context.language) }, empty: found.isEmpty, open: open, client: number,
            errors: errors + addErrors,
            exportXLSX: canExport ? "\(SiteURL.receivableExport.path)?format=xlsx&\(filters)" : nil,
            exportCSV: canExport ? "\(SiteURL.receivableExport.path)?format=csv&\(filters)" : nil,
            canImport: context.viewer.can(.importData), importResult: importResult)
        return try env.render("receivables", request, context, title: env.t(context.language)["receivables_title"] ?? "", section: .receivables,
                              page, status: errors.isEmpty ? status : .unprocessableContent)
    }

    /// The list as filtered, every row, in the layout the import reads back.
    func export(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.exportData)
        let form = FormData.query(request)
        let format = try SheetFormat.requested(form)
        let (open, clientID, _, errors) = try await filters(form, context)
        guard errors.isEmpty else { throw ValidationFailure([FieldError("client", "not_found")]) }
        let t = env.t(context.language)
        let headers = ["column_number", "column_legalName", "field_invoice", "receivable_issue", "receivable_due", "receivable_currency",
                       "field_amount", "field_balance", "field_paid"]
        let sheet = SheetExport(columns: headers.map { SheetColumn(t[$0] ?? $0) }, sheetName: t["receivables_title"] ?? "CxC",
                                timeZone: context.timeZone, format: format, options: form)
        let stores = env.stores, viewer = context.viewer
        let yes = t["yes"] ?? "Sí", no = t["no"] ?? "No"
        let file = try await sheet.write({ emit in try await stores.receivables.export(clientID: clientID, openOnly: open, by: viewer, emit) }) {
            (listing: ReceivableListing) -> [SheetCell?] in
            let d = listing.receivable.draft
            return [.integer(listing.clientNumber), .text(listing.clientName), .text(d.number), .text(d.issueDate.description),
                    .text(d.dueDate.description), .text(d.amount.currency), .decimal(d.amount.decimalValue),
                    .decimal(d.balance.decimalValue), .text(d.paid ? yes : no)]
        }
        let name = env.translator.text("export_receivables_filename", context.language)
        return download(file, filename: "\(name)-\(ClientsController.today(context)).\(format.rawValue)", format: format)
    }

    func importSheet(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.importData)
        do {
            let (fields, header, rows) = try await SheetRows.receive(request)
            let report = try await env.stores.receivables.importReceivables(header: header, rows: rows, commit: fields["commit"] == "1",
                                                                            by: context.viewer)
            return try await list(request, context, importResult: ImportResult(report, env: env, language: context.language), status: report.problems.isEmpty ? .ok : .unprocessableContent)
        } catch let error as SheetReadError {
            return try await list(request, context, addErrors: [env.translator.text(error.code, context.language)], status: .unprocessableContent)
        } catch let failure as ValidationFailure {
            return try await list(request, context, addErrors: env.messages(failure, context.language).list, status: .unprocessableContent)
        }
    }

    // MARK: Notice concepts (administration)

    struct ConceptsPage: Encodable {
        struct Concept: Encodable { let action: String; let version: Int64; let description: String; let days: Int; let kinds: [Option]; let active: Bool }
        let concepts: [Concept]
        let kinds: [Option]
        let errors: [String]
    }

    func concepts(_ request: Request, _ context: SignedInContext, errors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let t = env.t(context.language)
        func kinds(_ selected: NoticeConcept.Kind?) -> [Option] {
            NoticeConcept.Kind.allCases.map { Option(value: $0.rawValue, label: t["notice_kind_\($0.rawValue)"] ?? $0.rawValue, selected: $0 == selected) }
        }
        let page = ConceptsPage(
            concepts: try await env.stores.notices.concepts().map {
                .init(action: SiteURL.noticeConcept($0.id).path, version: $0.version, description: $0.description, days: $0.days,
                      kinds: kinds($0.kind), active: $0.active)
            }, kinds: kinds(.beforeDue), errors: errors)
        return try env.render("admin-notice-concepts", request, context, title: t["admin_notice_concepts"] ?? "", section: .admin, page, status: status)
    }

    func saveConcept(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        let id = NoticeConcept.ID(string: context.parameters.get("concept"))
        do {
            guard let kind = NoticeConcept.Kind(rawValue: form["kind"] ?? "") else { throw ValidationFailure([FieldError("kind", "invalid_choice")]) }
            guard let days = Int(form["days"] ?? "") else { throw ValidationFailure([FieldError("days", "invalid_integer")]) }
            _ = try await env.stores.notices.saveConcept(id, description: form["description"] ?? "", days: days, kind: kind,
                                                         active: id == nil || form.bool("active"), expectedVersion: Int64(form["version"] ?? ""),
                                                         by: context.viewer)
            return redirect(.noticeConcepts, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await concepts(request, context, errors: env.messages(failure, context.language).list, status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await concepts(request, context, errors: [env.translator.text("conflict_reload", context.language)], status: .conflict)
        }
    }
}
