import CarteraCore
import CarteraIO
import CarteraStore
import Foundation

/// What `cartera export clients` asks for.
public struct ClientExportRequest: Sendable {
    public var format: String
    public var search: String?
    public var language: Language
    public var timeZone: TimeZone
    public var separatorIsComma: Bool
    public var byteOrderMark: Bool

    public init(format: String, search: String?, language: Language, timeZone: TimeZone, separatorIsComma: Bool,
                byteOrderMark: Bool) {
        self.format = format; self.search = search; self.language = language; self.timeZone = timeZone
        self.separatorIsComma = separatorIsComma; self.byteOrderMark = byteOrderMark
    }
}

extension ClientExportRequest {
    /// Writes every client the scope allows (every column) to a temporary file.
    public func run(stores: Stores, translator: Translator, scope: ClientScope) async throws -> URL {
        guard let format = ClientExport.Format(rawValue: format) else {
            throw ValidationFailure([FieldError("format", "invalid_choice")])
        }
        let lookups = try await Lookups.load(stores)
        let export = ClientExport(lookups: lookups, columns: ClientExport.allColumns(lookups), language: language,
                                  t: translator.catalog(language), timeZone: timeZone)
        return try await export.write(ClientQuery(search: search, sort: .number, archived: .all), scope: scope, stores: stores,
                                      format: format, separator: separatorIsComma ? .comma : .semicolon,
                                      byteOrderMark: byteOrderMark)
    }
}
