import CarteraCore
import CarteraIO
import CarteraStore
import Foundation

/// What `cartera export clients` asks for.
public struct ClientExportRequest: Sendable {
    public var format: String
    public var search: String?
    /// List filters as in the page's URL: `f_city=Córdoba`, `type=3`, `cf_rubro=Ferretería`, `sort=name`.
    public var filters: [String]
    public var language: Language
    public var timeZone: TimeZone
    public var separatorIsComma: Bool
    public var byteOrderMark: Bool

    public init(format: String, search: String?, filters: [String] = [], language: Language, timeZone: TimeZone,
                separatorIsComma: Bool, byteOrderMark: Bool) {
        self.format = format; self.search = search; self.filters = filters; self.language = language; self.timeZone = timeZone
        self.separatorIsComma = separatorIsComma; self.byteOrderMark = byteOrderMark
    }
}

extension ClientExportRequest {
    /// Writes the clients the scope allows and the filters keep (every column, archived ones
    /// too unless `archived=` says otherwise) to a temporary file.
    public func run(stores: Stores, translator: Translator, scope: ClientScope) async throws -> URL {
        guard let format = ClientExport.Format(rawValue: format) else {
            throw ValidationFailure([FieldError("format", "invalid_choice")])
        }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        var pairs: [String] = []
        for filter in filters {
            let parts = filter.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ClientListQuery.filterKeys.contains(parts[0]) || ["sort", "dir"].contains(parts[0])
                    || parts[0].hasPrefix("cf_") else { throw ValidationFailure([FieldError("filter", "invalid_choice", [filter])]) }
            pairs.append(parts[0] + "=" + (parts[1].addingPercentEncoding(withAllowedCharacters: allowed) ?? ""))
        }
        if let search { pairs.append("q=" + (search.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")) }
        let lookups = try await Lookups.load(stores)
        var query = ClientListQuery(form: FormData(pairs.joined(separator: "&"))).storeQuery(lookups, pageSize: 500)
        query.sort = query.sort ?? .number
        if !filters.contains(where: { $0.hasPrefix("archived=") }) { query.archived = .all }
        let export = ClientExport(lookups: lookups, columns: ClientExport.allColumns(lookups), language: language,
                                  t: translator.catalog(language), timeZone: timeZone)
        return try await export.write(query, scope: scope, stores: stores,
                                      format: format, separator: separatorIsComma ? .comma : .semicolon,
                                      byteOrderMark: byteOrderMark)
    }
}
