import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Importing and bulk-modifying clients or contacts from a spreadsheet: upload, a dry run
/// with every problem listed and the column matches editable, then commit.
struct ImportController {
    let env: WebEnvironment

    /// Uploads wait here between the dry run and the commit. Local to this
    /// instance: with several instances, the commit must reach the same one.
    static let uploads = FileManager.default.temporaryDirectory.appendingPathComponent("cartera-uploads")

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.clientImport.route) { request, context in try self.form(request, context) }
        group.get(SiteURL.contactImport.route) { request, context in try self.form(request, context, kind: .contacts) }
        group.post(SiteURL.clientImport.route) { request, context in try await self.upload(request, context) }
        group.post(SiteURL.clientImportRun.route) { request, context in try await self.run(request, context) }
        group.get(SiteURL.clientImports.route) { request, context in try await self.log(request, context) }
        group.post("/clients/imports/:id/revert") { request, context in try await self.revert(request, context) }
    }

    struct LogPage {
        struct Row {
            let when: String; let who: String; let file: String; let counts: String; let reverted: String?; let revertURL: String
        }
        let rows: [Row]
        let empty: Bool
    }

    /// The import log: who imported which file when, with a revert button.
    func log(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.importData)
        let t = env.translator
        let rows = try await env.stores.clients.imports(by: context.viewer).map { record in
            LogPage.Row(when: env.dateTime(record.at, context), who: record.userName, file: record.fileName,
                        counts: t.text("import_counts", context.language, ["created": String(record.created),
                                                                           "updated": String(record.updated)]),
                        reverted: record.revertedAt.map { env.dateTime($0, context) },
                        revertURL: SiteURL.clientImports.path + "/\(record.id)/revert")
        }
        return try env.render("client-imports", request, context, title: t.text("import_log", context.language),
                              section: .clients, LogPage(rows: rows, empty: rows.isEmpty))
    }

    func revert(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.importData)
        guard let id = ImportRecord.ID(string: context.parameters.get("id")) else { throw StoreError.notFound }
        let t = env.translator
        do {
            let report = try await env.stores.clients.revertImport(id, by: context.viewer)
            var text = t.text("import_reverted", context.language, ["restored": String(report.restored),
                                                                    "archived": String(report.archived)])
            if !report.editedSince.isEmpty {
                text += " " + t.text("import_edited_since", context.language,
                                     ["numbers": report.editedSince.map(String.init).joined(separator: ", ")])
            }
            return redirect(.clientImports, flash: text)
        } catch let failure as ValidationFailure {
            return redirect(.clientImports, flash: env.messages(failure, context.language).list.joined(separator: " "))
        }
    }

    /// What is imported: the same steps serve clients and contacts.
    enum Kind: String { case clients, contacts }

    struct FormPage { let action: String; let error: String?; let kind: String; let isClients: Bool; let title: String }

    func form(_ request: Request, _ context: SignedInContext, kind: Kind = .clients, error: String? = nil,
              status: HTTPResponse.Status = .ok) throws -> Response {
        try context.require(.importData)
        let action = SiteURL.clientImport.path + "?_csrf=" + (context.session?.csrfSecret ?? "")
        let title = env.translator.text(kind == .clients ? "import_title" : "import_contacts_title", context.language)
        return try env.render("client-import", request, context, title: title, section: kind == .clients ? .clients : .contacts,
                              FormPage(action: action, error: error, kind: kind.rawValue, isClients: kind == .clients, title: title),
                              status: status)
    }

    func upload(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.importData)
        try FileManager.default.createDirectory(at: Self.uploads, withIntermediateDirectories: true)
        let upload: Upload
        do {
            upload = try await Upload.receive(request, fileField: "file", into: Self.uploads)
        } catch is Upload.TooLarge {
            return try form(request, context, error: env.translator.text("file_too_large", context.language), status: .contentTooLarge)
        }
        guard let file = upload.file, let name = upload.fileName else {
            return try form(request, context, kind: Kind(rawValue: upload.fields["kind"] ?? "") ?? .clients, error: env.translator.text("import_choose_file", context.language),
                            status: .unprocessableContent)
        }
        let token = UUID().uuidString
        try FileManager.default.moveItem(at: file, to: Self.path(token, context))
        let settings = ImportSettings(kind: Kind(rawValue: upload.fields["kind"] ?? "") ?? .clients, token: token, fileName: name,
                                      updateBy: upload.fields["updateBy"] ?? "number",
                                      emptyClears: upload.fields["emptyClears"] == "on", overrides: [:])
        return try await report(request, context, settings: settings, commit: false)
    }

    func run(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.importData)
        let form = try await FormData.from(request)
        guard let token = form["token"], UUID(uuidString: token) != nil,
              FileManager.default.fileExists(atPath: Self.path(token, context).path) else {
            return try self.form(request, context, error: env.translator.text("import_expired", context.language), status: .gone)
        }
        var overrides: [Int: String] = [:]
        for (key, value) in form.pairs where key.hasPrefix("map_") { if let index = Int(key.dropFirst(4)) { overrides[index] = value } }
        let settings = ImportSettings(kind: Kind(rawValue: form["kind"] ?? "") ?? .clients, token: token,
                                      fileName: form["fileName"] ?? "", updateBy: form["updateBy"] ?? "number",
                                      emptyClears: form.bool("emptyClears"), overrides: overrides)
        return try await report(request, context, settings: settings, commit: form["action"] == "commit")
    }

    struct ImportSettings {
        let kind: Kind
        let token: String
        let fileName: String
        let updateBy: String
        let emptyClears: Bool
        let overrides: [Int: String]
    }

    /// Runs the import (dry or for real) and shows what it found.
    func report(_ request: Request, _ context: SignedInContext, settings: ImportSettings, commit: Bool) async throws -> Response {
        let file = Self.path(settings.token, context)
        let t = env.translator
        var source: any RowSource
        var headers: [String]
        do {
            source = try SheetReader.open(file)
            headers = try source.next() ?? []
        } catch let error as SheetReadError {
            try? FileManager.default.removeItem(at: file)
            return try form(request, context, kind: settings.kind, error: t.text(error.code, context.language),
                            status: .unprocessableContent)
        }
        let options = ClientImportOptions(updateBy: ClientImportOptions.UpdateBy(rawValue: settings.updateBy) ?? .number,
                                          emptyClears: settings.emptyClears, dryRun: !commit, fileName: settings.fileName)
        let definitions = try await env.stores.catalogues.customFields()
        let outcome: ImportReport
        let mapping: [Int: String]
        let choices: [(String, String)]
        do {
            switch settings.kind {
            case .clients:
                var fields = ClientImportField.match(headers: headers, aliases: ImportColumns.aliases(t, definitions)).mapping
                for (index, key) in settings.overrides where index < headers.count { fields[index] = ImportColumns.field(key) }
                outcome = try await env.stores.clients.importClients(headers: headers, mapping: fields, options: options,
                                                                     by: context.viewer) { try source.next() }
                mapping = fields.mapValues(ImportColumns.key)
                choices = ImportColumns.choices(t, definitions, context.language)
            case .contacts:
                var fields = ContactImportField.match(headers: headers, aliases: ContactColumns.aliases(t)).mapping
                for (index, key) in settings.overrides where index < headers.count { fields[index] = ContactImportField(rawValue: key) }
                outcome = try await env.stores.contacts.importContacts(headers: headers, mapping: fields, options: options,
                                                                       by: context.viewer) { try source.next() }
                mapping = fields.mapValues(\.rawValue)
                choices = ContactColumns.choices(t, context.language)
            }
        } catch let error as SheetReadError {
            try? FileManager.default.removeItem(at: file)
            return try form(request, context, kind: settings.kind, error: t.text(error.code, context.language),
                            status: .unprocessableContent)
        }
        if outcome.committed {
            try? FileManager.default.removeItem(at: file)
            return redirect(settings.kind == .clients ? .clients : .contacts, flash: t.text("import_done", context.language, [
                "created": String(outcome.created), "updated": String(outcome.updated), "unchanged": String(outcome.unchanged)]))
        }
        let page = ImportReportPage(outcome: outcome, headers: headers, mapping: mapping, settings: settings, choices: choices,
                                    env: env, context: context, definitions: definitions)
        let title = t.text(settings.kind == .clients ? "import_title" : "import_contacts_title", context.language)
        return try env.render("client-import-report", request, context, title: title,
                              section: settings.kind == .clients ? .clients : .contacts, page,
                              status: commit ? .unprocessableContent : .ok)
    }

    /// Uploads are per user: another user's token finds nothing.
    static func path(_ token: String, _ context: SignedInContext) -> URL {
        uploads.appendingPathComponent("\(context.viewer.id)-\(token).upload")
    }
}

/// The dry run's page: counts, column matches (editable), refused cells.
struct ImportReportPage {
    struct Column { let index: Int; let header: String; let options: [Option]; let unknown: Bool }
    struct Problem { let row: Int; let column: String; let message: String }

    let kind: String
    let title: String
    let token: String
    let fileName: String
    let summary: String
    let columns: [Column]
    let problems: [Problem]
    let hasProblems: Bool
    let hints: [Problem]
    let hasHints: Bool
    let moreProblems: String?
    let updateByNumber: Bool
    let emptyClears: Bool
    let canCommit: Bool

    init(outcome: ImportReport, headers: [String], mapping: [Int: String], settings: ImportController.ImportSettings,
         choices: [(String, String)], env: WebEnvironment, context: SignedInContext, definitions: [CustomFieldDefinition]) {
        let t = env.translator
        let language = context.language
        kind = settings.kind.rawValue
        title = t.text(settings.kind == .clients ? "import_title" : "import_contacts_title", language)
        token = settings.token
        fileName = settings.fileName
        summary = t.text(settings.kind == .clients ? "import_summary" : "import_contacts_summary", language, ["created": String(outcome.created), "updated": String(outcome.updated),
                                                      "unchanged": String(outcome.unchanged), "errors": String(outcome.errorCount)])
        let ignore = t.text("import_ignore", language)
        columns = headers.enumerated().map { index, header in
            let chosen = mapping[index] ?? ""
            return Column(index: index, header: header.isEmpty ? "—" : header,
                          options: [Option(value: "", label: ignore, selected: chosen.isEmpty)]
                              + choices.map { Option(value: $0.0, label: $0.1, selected: $0.0 == chosen) },
                          unknown: mapping[index] == nil && !header.isEmpty)
        }
        func problem(_ error: ImportRowError) -> Problem {
            Problem(row: error.row, column: error.column, message: t.message(for: error.error, language) { field in
                definitions.first { "customFields.\($0.key)" == field }?.label(language)
            })
        }
        problems = outcome.errors.map(problem)
        hasProblems = !outcome.errors.isEmpty
        hints = outcome.warnings.map(problem)
        hasHints = !outcome.warnings.isEmpty
        moreProblems = outcome.errorCount > outcome.errors.count
            ? t.text("import_more_errors", language, ["count": String(outcome.errorCount - outcome.errors.count)]) : nil
        updateByNumber = settings.updateBy != "taxid"
        emptyClears = settings.emptyClears
        canCommit = outcome.errorCount == 0 && (outcome.created + outcome.updated) > 0
    }
}
