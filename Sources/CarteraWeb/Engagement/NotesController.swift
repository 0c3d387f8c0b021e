import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Notes on the client card, and the notes report (seed 002) with its print view and downloads.
struct NotesController {
    let env: WebEnvironment
    let clients: ClientsController

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.notes.route) { request, context in try await self.report(request, context) }
        group.get(SiteURL.noteExport.route) { request, context in try await self.export(request, context) }
        group.post("/clients/:id/notes") { request, context in try await self.create(request, context) }
        group.post("/notes/:note") { request, context in try await self.update(request, context) }
        group.post("/notes/:note/delete") { request, context in try await self.delete(request, context) }
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = try await FormData.from(request)
        return try await saving(client.id, context) {
            _ = try await env.stores.notes.create(clientID: client.id, Self.draft(form), by: context.viewer)
        }
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let note = try await load(context)
        let form = try await FormData.from(request)
        return try await saving(note.clientID, context) {
            _ = try await env.stores.notes.update(note.id, Self.draft(form), expectedVersion: Int64(form["version"] ?? "") ?? 0,
                                                  by: context.viewer)
        }
    }

    func delete(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let note = try await load(context)
        try await env.stores.notes.delete(note.id, by: context.viewer)
        return redirect(to: SiteURL.client(note.clientID).path + "#notes", flash: env.translator.text("flash_deleted", context.language))
    }

    /// Runs a write and goes back to the card's notes, with the reason when it was refused.
    func saving(_ clientID: Client.ID, _ context: SignedInContext, _ write: () async throws -> Void) async throws -> Response {
        let back = SiteURL.client(clientID).path + "#notes"
        let t = env.translator
        do {
            try await write()
            return redirect(to: back, flash: t.text("flash_note_saved", context.language))
        } catch let failure as ValidationFailure {
            return redirect(to: back, flash: env.messages(failure, context.language).list.joined(separator: " "))
        } catch StoreError.versionConflict {
            return redirect(to: back, flash: t.text("conflict_reload", context.language))
        }
    }

    static func draft(_ form: FormData) -> NoteDraft {
        NoteDraft(text: form["text"] ?? "", location: form["location"], treatment: form["treatment"])
    }

    func load(_ context: SignedInContext) async throws -> Note {
        guard let id = Note.ID(string: context.parameters.get("note")),
              let note = try await env.stores.notes.note(id, by: context.viewer) else { throw StoreError.notFound }
        return note
    }

    // MARK: Report

    struct ReportPage: Encodable {
        struct Row: Encodable {
            let when: String; let clientName: String; let clientURL: String; let author: String; let department: String
            let text: String; let location: String?; let treatment: String?
        }
        struct Group: Encodable { let department: String; let rows: [Row] }
        let groups: [Group]
        let empty: Bool
        let values: [String: String]
        /// The two checkboxes as booleans: a template treats any string, even "", as true.
        let lastThree: Bool
        let byDepartment: Bool
        let branches: [Option]
        let departments: [Option]
        let authors: [Option]
        let errors: [String]
        let exportXLSX: String?
        let exportCSV: String?
        let print: PrintHeader
    }

    /// The report's filters read from the address.
    func query(_ form: FormData, _ context: SignedInContext) async throws -> (NoteQuery?, [String: String], [String]) {
        let t = env.translator
        let keys = ["client", "branch", "department", "author", "from", "to", "last3", "group"]
        let values = keys.reduce(into: [String: String]()) { $0[$1] = form.text($1) ?? "" }
        var errors: [String] = []
        var clientID: Client.ID?
        if !values["client"]!.isEmpty {
            if let number = Int64(values["client"]!) {
                clientID = try await env.stores.clients.client(number: number, scope: context.clientScope)?.id
            }
            if clientID == nil { errors.append(t.message(for: FieldError("clientNumber", "not_found"), context.language)) }
        }
        let (from, to, dateErrors) = LocalDateTime.dayRange(from: values["from"], to: values["to"], timeZone: context.timeZone)
        errors += dateErrors.map { t.message(for: $0, context.language) }
        guard errors.isEmpty else { return (nil, values, errors) }
        return (NoteQuery(clientID: clientID, branchID: Branch.ID(string: values["branch"]),
                          departmentID: Department.ID(string: values["department"]), authorID: User.ID(string: values["author"]),
                          from: from, to: to, lastThreePerClient: values["last3"] == "on", groupByDepartment: values["group"] == "on"),
                values, errors)
    }

    func report(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = FormData.query(request)
        let (query, values, errors) = try await query(form, context)
        var found: [NoteListing] = []
        if let query { found = try await env.stores.notes.list(query, by: context.viewer) }
        let t = env.translator
        let lookups = try await Lookups.load(env.stores)
        let departments = try await env.stores.organisation.departments()
        let rows = found.map { listing in
            ReportPage.Row(when: env.dateTime(listing.note.createdAt, context), clientName: "\(listing.clientNumber) · \(listing.clientName)",
                           clientURL: SiteURL.client(listing.note.clientID).path, author: listing.authorName,
                           department: listing.departmentName ?? "—", text: listing.note.draft.text,
                           location: listing.note.draft.location, treatment: listing.note.draft.treatment)
        }
        var groups: [ReportPage.Group] = []
        if values["group"] == "on" {
            for row in rows {
                if groups.last?.department == row.department { groups[groups.count - 1] = .init(department: row.department, rows: groups.last!.rows + [row]) }
                else { groups.append(.init(department: row.department, rows: [row])) }
            }
        } else if !rows.isEmpty {
            groups = [.init(department: "", rows: rows)]
        }
        let filters = FormData.encode(values)
        let canExport = context.viewer.can(.exportData)
        let page = ReportPage(
            groups: groups, empty: rows.isEmpty, values: values, lastThree: values["last3"] == "on", byDepartment: values["group"] == "on",
            branches: Option.list(lookups.branches.map { ($0.id, $0.name) }, selected: values["branch"], emptyLabel: t.text("any", context.language)),
            departments: Option.list(departments.map { ($0.id, $0.name) }, selected: values["department"], emptyLabel: t.text("any", context.language)),
            authors: Option.list(lookups.users.map { ($0.id, $0.name) }, selected: values["author"], emptyLabel: t.text("any", context.language)),
            errors: errors, exportXLSX: canExport ? "\(SiteURL.noteExport.path)?format=xlsx&\(filters)" : nil,
            exportCSV: canExport ? "\(SiteURL.noteExport.path)?format=csv&\(filters)" : nil,
            print: try await PrintHeader.make(env, context, title: env.translator.text("notes_report", context.language)))
        return try env.render("notes", request, context, title: t.text("notes_report", context.language), section: .notes, page,
                              status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func export(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.exportData)
        let form = FormData.query(request)
        let format = try SheetFormat.requested(form)
        let (parsed, _, errors) = try await query(form, context)
        guard let query = parsed else { throw ValidationFailure([FieldError("filter", "invalid_choice", errors)]) }
        let t = env.t(context.language)
        let headers = ["created", "column_number", "column_legalName", "notes_author", "field_departmentId", "field_text",
                       "field_location", "field_treatment"]
        let sheet = SheetExport(columns: headers.map { SheetColumn(t[$0] ?? $0) }, sheetName: t["notes_report"] ?? "Notas",
                                timeZone: context.timeZone, format: format,
                                options: form)
        let stores = env.stores, viewer = context.viewer
        let file = try await sheet.write({ try await stores.notes.export(query, by: viewer, $0) }) { listing in
            let n = listing.note
            return [.dateTime(n.createdAt), .integer(listing.clientNumber), .text(listing.clientName), .text(listing.authorName),
                    listing.departmentName.map { .text($0) }, .text(n.draft.text), n.draft.location.map { .text($0) },
                    n.draft.treatment.map { .text($0) }]
        }
        let name = env.translator.text("export_notes_filename", context.language)
        return download(file, filename: "\(name)-\(ClientsController.today(context)).\(format.rawValue)", format: format)
    }
}
