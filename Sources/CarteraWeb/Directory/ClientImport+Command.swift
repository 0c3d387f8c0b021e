import CarteraCore
import CarteraIO
import CarteraStore
import Foundation

/// `cartera import clients|contacts`: the same matching and rules as the page, as one call.
public struct ClientImportRequest: Sendable {
    /// What the file holds.
    public enum Entity: Sendable { case clients, contacts }
    public var entity: Entity
    public var file: URL
    public var options: ClientImportOptions
    public var language: Language

    public init(file: URL, options: ClientImportOptions, language: Language, entity: Entity = .clients) {
        self.file = file; self.options = options; self.language = language; self.entity = entity
    }

    /// Runs the import and returns lines for a person: the summary, unknown
    /// columns and every refused cell.
    public func run(stores: Stores, translator: Translator, viewer: Viewer) async throws -> (ImportReport, [String]) {
        var source = try SheetReader.open(file)
        let headers = try source.next() ?? []
        let report: ImportReport
        let unknown: [String]
        switch entity {
        case .clients:
            let definitions = try await stores.catalogues.customFields()
            let matched = ClientImportField.match(headers: headers, aliases: ImportColumns.aliases(translator, definitions))
            unknown = matched.unknown
            report = try await stores.clients.importClients(headers: headers, mapping: matched.mapping, options: options,
                                                            by: viewer) { try source.next() }
        case .contacts:
            let matched = ContactImportField.match(headers: headers, aliases: ContactColumns.aliases(translator))
            unknown = matched.unknown
            report = try await stores.contacts.importContacts(headers: headers, mapping: matched.mapping, options: options,
                                                              by: viewer) { try source.next() }
        }
        let summary = entity == .clients ? "import_summary" : "import_contacts_summary"
        var lines = [translator.text(report.committed ? "import_done" : summary, language, [
            "created": String(report.created), "updated": String(report.updated), "unchanged": String(report.unchanged),
            "errors": String(report.errorCount)])]
        if !unknown.isEmpty { lines.append("\(translator.text("import_unknown", language)): \(unknown.joined(separator: ", "))") }
        for error in report.errors + report.warnings {
            lines.append("\(translator.text("import_row", language)) \(error.row) [\(error.column)]: "
                         + translator.message(for: error.error, language))
        }
        return (report, lines)
    }
}
