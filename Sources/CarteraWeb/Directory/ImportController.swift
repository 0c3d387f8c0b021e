import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Importing and bulk-modifying clients or contacts from a spreadsheet: upload,
/// a dry run with every problem listed and the column matches editable, then
/// commit. Each run is a background job on the stored upload; its page shows
/// the progress, then the report.
struct ImportController {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.clientImport.route) { request, context in try self.form(request, context) }
        group.get(SiteURL.contactImport.route) { request, context in try self.form(request, context, kind: .contacts) }
        group.post(SiteURL.clientImport.route) { request, context in try await self.upload(request, context) }
        group.get("/clients/import/:id") { request, context in try await self.show(request, context) }
        group.post("/clients/import/:id") { request, context in try await self.rerun(request, context) }
        group.get(SiteURL.clientImports.route) { request, context in try await self.log(request, context) }
        group.post("/clients/imports/:id/revert") { request, context in try await self.revert(request, context) }
    }

    struct LogPage: Encodable {
        struct Row: Encodable {
            let when: String; let who: String; let entity: String; let file: String; let counts: String; let reverted: String?; let revertURL: String
        }
        let rows: [Row]
        let empty: Bool
    }

    /// The import log: who imported which file when, with a revert button.
    func log(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.importData)
        let t = env.translator
        let rows = try await env.stores.clients.imports(by: context.viewer).map { record in
            LogPage.Row(when: env.dateTime(record.at, context), who: record.userName,
                        entity: t.text(record.entity == "contact" ? "nav_contacts" : "nav_clients", context.language),
                        file: record.fileName,
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
            let (entity, report) = try await env.stores.clients.revertImport(id, by: context.viewer)
            let contacts = entity == "contact"
            var text = t.text(contacts ? "import_reverted_contacts" : "import_reverted", context.language,
                              ["restored": String(report.restored), "archived": String(report.archived)])
            if !report.editedSince.isEmpty {
                text += " " + t.text(contacts ? "import_edited_since_contacts" : "import_edited_since", context.language,
                                     ["numbers": report.editedSince.map(String.init).joined(separator: ", ")])
            }
            return redirect(.clientImports, flash: text)
        } catch let failure as ValidationFailure {
            return redirect(.clientImports, flash: env.messages(failure, context.language).list.joined(separator: " "))
        }
    }

    struct FormPage: Encodable { let action: String; let error: String?; let kind: String; let isClients: Bool; let title: String }

    func form(_ request: Request, _ context: SignedInContext, kind: ImportRequest.Entity = .clients, error: String? = nil,
              status: HTTPResponse.Status = .ok) throws -> Response {
        try context.require(.importData)
        let action = SiteURL.clientImport.path + "?_csrf=" + (context.session?.csrfSecret ?? "")
        let title = Self.title(kind, env, context)
        return try env.render("client-import", request, context, title: title, section: kind == .clients ? .clients : .contacts,
                              FormPage(action: action, error: error, kind: kind.rawValue, isClients: kind == .clients, title: title),
                              status: status)
    }

    static func title(_ kind: ImportRequest.Entity, _ env: WebEnvironment, _ context: SignedInContext) -> String {
        env.translator.text(kind == .clients ? "import_title" : "import_contacts_title", context.language)
    }

    /// Stores the file and starts its dry run.
    func upload(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.importData)
        let incoming = FileManager.default.temporaryDirectory
        let upload: Upload
        do {
            upload = try await Upload.receive(request, fileField: "file", into: incoming)
        } catch is Upload.TooLarge {
            return try form(request, context, error: env.translator.text("file_too_large", context.language), status: .contentTooLarge)
        }
        let kind = ImportRequest.Entity(rawValue: upload.fields["kind"] ?? "") ?? .clients
        guard let file = upload.file, let name = upload.fileName else {
            return try form(request, context, kind: kind, error: env.translator.text("import_choose_file", context.language),
                            status: .unprocessableContent)
        }
        defer { try? FileManager.default.removeItem(at: file) }
        let settings = ImportSettings(kind: kind, updateBy: upload.fields["updateBy"] ?? "number",
                                      emptyClears: upload.fields["emptyClears"] == "on", overrides: [:])
        let id = try await env.stores.importUploads.save(file, kind: kind.rawValue, fileName: name, settings: try Self.json(settings),
                                                         by: context.viewer)
        return try await start(id, settings: settings, commit: false, context)
    }

    /// Runs the upload again: a new dry run with the columns fixed by hand, or the commit.
    func rerun(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.importData)
        let id = context.parameters.get("id") ?? ""
        guard let upload = try await env.stores.importUploads.upload(id, by: context.viewer) else {
            return try form(request, context, error: env.translator.text("import_expired", context.language), status: .gone)
        }
        let form = try await FormData.from(request)
        var overrides: [Int: String] = [:]
        for (key, value) in form.pairs where key.hasPrefix("map_") { if let index = Int(key.dropFirst(4)) { overrides[index] = value } }
        let settings = ImportSettings(kind: ImportRequest.Entity(rawValue: upload.kind) ?? .clients,
                                      updateBy: form["updateBy"] ?? "number", emptyClears: form.bool("emptyClears"),
                                      overrides: overrides)
        return try await start(upload.id, settings: settings, commit: form["action"] == "commit", context)
    }

    /// Claims the upload and runs its job; a second click while it runs only shows its progress.
    func start(_ id: String, settings: ImportSettings, commit: Bool, _ context: SignedInContext) async throws -> Response {
        let uploads = env.stores.importUploads
        if try await uploads.start(id, settings: try Self.json(settings), by: context.viewer),
           let upload = try await uploads.upload(id, by: context.viewer) {
            env.importJobs.start(upload, settings: settings, commit: commit, viewer: context.viewer, env: env)
            await env.importJobs.settle(id)
        }
        return redirect(to: SiteURL.clientImport.path + "/" + id)
    }

    /// The upload's page: its progress while the job runs, then its report.
    func show(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.importData)
        let t = env.translator
        guard let upload = try await env.stores.importUploads.upload(context.parameters.get("id") ?? "", by: context.viewer) else {
            return try form(request, context, error: t.text("import_expired", context.language), status: .gone)
        }
        let kind = ImportRequest.Entity(rawValue: upload.kind) ?? .clients
        let settings = (try? JSONDecoder().decode(ImportSettings.self, from: Data(upload.settings.utf8)))
            ?? ImportSettings(kind: kind, updateBy: "number", emptyClears: false, overrides: [:])
        let result = upload.result.flatMap { try? JSONDecoder().decode(ImportJobResult.self, from: Data($0.utf8)) }
        switch upload.state {
        case .running, .waiting:
            let page = ImportProgressPage(upload: upload, progress: env.importJobs.progress(upload.id), env: env, context: context)
            var response = try env.render("client-import-progress", request, context, title: Self.title(kind, env, context),
                                          section: kind == .clients ? .clients : .contacts, page)
            if !page.interrupted { response.headers[.init("Refresh")!] = "1" }
            return response
        case .failed:
            return try form(request, context, kind: kind, error: t.text(result?.failure ?? "import_failed", context.language),
                            status: .unprocessableContent)
        case .committed:
            let report = result?.outcome?.report ?? ImportReport()
            return redirect(kind == .clients ? .clients : .contacts, flash: t.text("import_done", context.language, [
                "created": env.count(report.created, context), "updated": env.count(report.updated, context),
                "unchanged": env.count(report.unchanged, context)]))
        case .ready:
            guard let outcome = result?.outcome else {
                return try form(request, context, kind: kind, error: t.text("import_failed", context.language), status: .unprocessableContent)
            }
            let definitions = try await env.stores.catalogues.customFields()
            let choices = kind == .clients ? ImportColumns.choices(t, definitions, context.language)
                                           : ContactColumns.choices(t, context.language)
            let page = ImportReportPage(outcome: outcome, upload: upload, settings: settings, choices: choices, env: env,
                                        context: context, definitions: definitions)
            return try env.render("client-import-report", request, context, title: Self.title(kind, env, context),
                                  section: kind == .clients ? .clients : .contacts, page)
        }
    }

    static func json(_ settings: ImportSettings) throws -> String {
        String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
    }
}

/// A running import: rows read and share of the file, or that it stopped.
struct ImportProgressPage: Encodable {
    let title: String
    let fileName: String
    let message: String
    let percent: Int?
    /// The job died with its instance: it can be started again.
    let interrupted: Bool
    let action: String

    init(upload: ImportUpload, progress: ImportJobs.Progress?, env: WebEnvironment, context: SignedInContext) {
        let t = env.translator
        let language = context.language
        title = ImportController.title(ImportRequest.Entity(rawValue: upload.kind) ?? .clients, env, context)
        fileName = upload.fileName
        interrupted = progress == nil && upload.isAbandoned(now: env.clock.now())
        action = SiteURL.clientImport.path + "/" + upload.id
        if let progress {
            percent = Int(progress.share * 100)
            message = t.text(progress.commit ? "import_progress_saving" : "import_progress", language,
                             ["rows": env.count(progress.rows, context), "percent": String(percent ?? 0)])
        } else {
            percent = nil
            message = interrupted ? t.text("import_interrupted", language)
                : t.text("import_running_elsewhere", language, ["since": env.dateTime(upload.startedAt ?? upload.createdAt, context)])
        }
    }
}

/// The dry run's page: counts, column matches (editable), refused cells.
struct ImportReportPage: Encodable {
    struct Column: Encodable { let index: Int; let header: String; let options: [Option]; let unknown: Bool }
    struct Problem: Encodable { let row: Int; let column: String; let message: String }

    let kind: String
    let title: String
    let action: String
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

    init(outcome result: ImportRequest.Outcome, upload: ImportUpload, settings: ImportSettings,
         choices: [(String, String)], env: WebEnvironment, context: SignedInContext, definitions: [CustomFieldDefinition]) {
        let t = env.translator
        let language = context.language
        let outcome = result.report
        let headers = result.headers
        let mapping = result.mapping
        kind = settings.kind.rawValue
        title = ImportController.title(settings.kind, env, context)
        action = SiteURL.clientImport.path + "/" + upload.id
        fileName = upload.fileName
        summary = t.text(settings.kind == .clients ? "import_summary" : "import_contacts_summary", language, [
            "created": env.count(outcome.created, context), "updated": env.count(outcome.updated, context),
            "unchanged": env.count(outcome.unchanged, context), "errors": env.count(outcome.errorCount, context)])
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
