import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// The client list as a spreadsheet: the chosen columns, typed cells, the same
/// query and scope as the page. Rows stream from the database into a temporary
/// file, which is then streamed to the caller and deleted.
struct ClientExport: Sendable {
    typealias Format = SheetFormat

    let lookups: Lookups
    let columns: [String]
    let language: Language
    let t: [String: String]
    let timeZone: TimeZone
    /// `columns` resolved once, so a row's cells are a switch, not string matching.
    private let fields: [Field]

    init(lookups: Lookups, columns: [String], language: Language, t: [String: String], timeZone: TimeZone) {
        self.lookups = lookups; self.columns = columns; self.language = language; self.t = t; self.timeZone = timeZone
        let definitions = Dictionary(lookups.customFields.map { ("cf:" + $0.key, $0) }, uniquingKeysWith: { first, _ in first })
        fields = columns.map { key in
            if let column = Column(rawValue: key) { return .column(column) }
            return definitions[key].map(Field.custom) ?? .unknown
        }
    }

    func sheetColumns() -> [SheetColumn] {
        let labels = Dictionary(uniqueKeysWithValues: ClientColumn.all(lookups, language, t).map { ($0.key, $0.label) })
        return columns.map { SheetColumn(labels[$0] ?? t["column_\($0)"] ?? $0) }
    }

    func cells(_ client: Client) -> [SheetCell?] {
        let d = client.draft
        func text(_ value: String?) -> SheetCell? { value.flatMap { $0.isEmpty ? nil : .text($0) } }
        return fields.map { field -> SheetCell? in
            switch field {
            case .column(.number): return .integer(client.clientNumber)
            case .column(.legalName): return .text(d.legalName)
            case .column(.tradeName): return text(d.tradeName)
            case .column(.taxId): return text(d.taxID)
            case .column(.taxIdKind): return text(d.taxIDKind?.rawValue)
            case .column(.type): return text(lookups.typeName(d.clientTypeID))
            case .column(.group): return text(lookups.groupName(d.clientGroupID))
            case .column(.branch): return text(lookups.branchName(d.branchID))
            case .column(.salesAgent): return text(lookups.userName(d.salesAgentID))
            case .column(.collector): return text(lookups.userName(d.collectorID))
            case .column(.street): return text(d.address.street)
            case .column(.streetNumber): return text(d.address.number)
            case .column(.city): return text(d.address.city)
            case .column(.state): return text(d.address.state)
            case .column(.postalCode): return text(d.address.postalCode)
            case .column(.country): return text(d.address.country)
            case .column(.latitude): return d.latitude.map { .decimal($0) }
            case .column(.longitude): return d.longitude.map { .decimal($0) }
            case .column(.phones): return text(d.phones.joined(separator: ", "))
            case .column(.emails): return text(d.emails.joined(separator: ", "))
            case .column(.description): return text(d.description)
            case .column(.archived): return .bool(client.archived)
            case .column(.created): return .dateTime(client.createdAt)
            case .column(.updated): return .dateTime(client.updatedAt)
            case .unknown: return nil
            case .custom(let definition):
                switch (definition.type, d.customFields[definition.key]) {
                case (_, nil): return definition.type == .checkbox ? .bool(false) : nil
                case (.date, .text(let raw)?):
                    guard let date = CalendarDate(raw) else { return .text(raw) }
                    return .date(year: date.year, month: date.month, day: date.day)
                case (_, .integer(let i)?): return .integer(i)
                case (_, .decimal(let x)?): return .decimal(x)
                case (_, .bool(let b)?): return .bool(b)
                case (_, .text(let s)?): return .text(s)
                }
            }
        }
    }

    /// The client's own columns, in the order "every column" gives them; the raw
    /// values are the column keys of the list.
    private enum Column: String, CaseIterable {
        case number, legalName, tradeName, taxIdKind, taxId, type, group, branch, salesAgent, collector
        case street, streetNumber, city, state, postalCode, country, latitude, longitude, phones, emails
        case description, archived, created, updated
    }

    /// A column of the export as resolved for its rows.
    private enum Field: Sendable {
        case column(Column)
        case custom(CustomFieldDefinition)
        /// A saved column whose custom field is gone: left empty.
        case unknown
    }

    /// Writes every client of `query` into a temporary file of `format`.
    func write(_ query: ClientQuery, scope: ClientScope, stores: Stores, format: Format,
               separator: CSVSheetWriter.Separator = .semicolon, byteOrderMark: Bool = true) async throws -> URL {
        let sheet = SheetExport(columns: sheetColumns(), sheetName: t["nav_clients"] ?? "Clientes", timeZone: timeZone,
                                format: format, separator: separator, byteOrderMark: byteOrderMark)
        return try await sheet.write({ try await stores.clients.export(query, scope: scope, $0) }, cells: cells)
    }

    /// Every column, for the API and the command line, which have no saved choice.
    static func allColumns(_ lookups: Lookups) -> [String] {
        Column.allCases.map(\.rawValue) + lookups.activeFields.map { "cf:" + $0.key }
    }
}

/// Streams a finished export file to the caller and deletes it afterwards.
func download(_ file: URL, filename: String, format: SheetFormat) -> Response {
    let contentType = format == .xlsx
        ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8"
    let body = ResponseBody { writer in
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forReadingFrom: file)
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            try await writer.write(ByteBuffer(bytes: chunk))
        }
        try handle.close()
        try await writer.finish(nil)
    }
    return Response(status: .ok, headers: [
        .contentType: contentType,
        .contentDisposition: "attachment; filename=\"\(filename)\"",
        .cacheControl: "no-store",
    ], body: body)
}
