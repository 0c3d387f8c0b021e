import CarteraCore
import CarteraIO
import CarteraStore
import Foundation

/// One import of clients or contacts, as the page's job and `cartera import`
/// both run it: headers matched (with the page's hand-made fixes), the store's
/// rules applied, progress reported as rows are read.
public struct ImportRequest: Sendable {
    /// What the file holds.
    public enum Entity: String, Sendable, Codable { case clients, contacts }

    /// What the run found: the file's headers, the field each column went to, and the report.
    public struct Outcome: Sendable, Codable {
        public var headers: [String]
        /// Column index → field key (`legalName`, `customFields.rubro`, …).
        public var mapping: [Int: String]
        public var unknown: [String]
        public var report: ImportReport
    }

    public var entity: Entity
    public var file: URL
    public var options: ClientImportOptions
    /// Column index → field key chosen by hand; "" ignores the column.
    public var overrides: [Int: String]

    /// Rows between two progress calls.
    static let progressEvery = 500

    public init(file: URL, options: ClientImportOptions, entity: Entity = .clients, overrides: [Int: String] = [:]) {
        self.file = file; self.options = options; self.entity = entity; self.overrides = overrides
    }

    /// Runs the import. `progress` gets the rows read so far and the share of the file read.
    public func run(stores: Stores, translator: Translator, viewer: Viewer,
                    progress: @escaping @Sendable (Int, Double) -> Void = { _, _ in }) async throws -> Outcome {
        var source = try SheetReader.open(file)
        let headers = try source.next() ?? []
        var rows = 0
        let next = { () throws -> [String]? in
            let row = try source.next()
            rows += 1
            if rows % Self.progressEvery == 0 { progress(rows, source.progress) }
            return row
        }
        switch entity {
        case .clients:
            let definitions = try await stores.catalogues.customFields()
            let matched = ClientImportField.match(headers: headers, aliases: ImportColumns.aliases(translator, definitions))
            var fields = matched.mapping
            for (index, key) in overrides where index < headers.count { fields[index] = ImportColumns.field(key) }
            let report = try await stores.clients.importClients(headers: headers, mapping: fields, options: options,
                                                                by: viewer, next: next)
            return Outcome(headers: headers, mapping: fields.mapValues(ImportColumns.key), unknown: matched.unknown, report: report)
        case .contacts:
            let matched = ContactImportField.match(headers: headers, aliases: ContactColumns.aliases(translator))
            var fields = matched.mapping
            for (index, key) in overrides where index < headers.count { fields[index] = ContactImportField(rawValue: key) }
            let report = try await stores.contacts.importContacts(headers: headers, mapping: fields, options: options,
                                                                  by: viewer, next: next)
            return Outcome(headers: headers, mapping: fields.mapValues(\.rawValue), unknown: matched.unknown, report: report)
        }
    }

    /// The outcome for a person reading a terminal: the summary, unknown columns, every refused cell and hint.
    public func lines(_ outcome: Outcome, translator: Translator, language: Language) -> [String] {
        let report = outcome.report
        let summary = entity == .clients ? "import_summary" : "import_contacts_summary"
        var lines = [translator.text(report.committed ? "import_done" : summary, language, [
            "created": String(report.created), "updated": String(report.updated), "unchanged": String(report.unchanged),
            "errors": String(report.errorCount)])]
        if !outcome.unknown.isEmpty {
            lines.append("\(translator.text("import_unknown", language)): \(outcome.unknown.joined(separator: ", "))")
        }
        for error in report.errors + report.warnings {
            lines.append("\(translator.text("import_row", language)) \(error.row) [\(error.column)]: "
                         + translator.message(for: error.error, language))
        }
        return lines
    }
}
