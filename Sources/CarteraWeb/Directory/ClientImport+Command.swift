import CarteraCore
import CarteraIO
import CarteraStore
import Foundation

/// `cartera import clients`: the same matching and rules as the page, as one call.
public struct ClientImportRequest: Sendable {
    public var file: URL
    public var options: ClientImportOptions
    public var language: Language

    public init(file: URL, options: ClientImportOptions, language: Language) {
        self.file = file; self.options = options; self.language = language
    }

    /// Runs the import and returns lines for a person: the summary, unknown
    /// columns and every refused cell.
    public func run(stores: Stores, translator: Translator, viewer: Viewer) async throws -> (ImportReport, [String]) {
        var source = try SheetReader.open(file)
        let headers = try source.next() ?? []
        let definitions = try await stores.catalogues.customFields()
        let (mapping, unknown) = ClientImportField.match(headers: headers, aliases: ImportColumns.aliases(translator, definitions))
        let report = try await stores.clients.importClients(headers: headers, mapping: mapping, options: options, by: viewer) {
            try source.next()
        }
        var lines = [translator.text(report.committed ? "import_done" : "import_summary", language, [
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
