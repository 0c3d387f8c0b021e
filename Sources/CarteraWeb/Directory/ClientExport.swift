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
    private let names: Names

    init(lookups: Lookups, columns: [String], language: Language, t: [String: String], timeZone: TimeZone) {
        self.lookups = lookups; self.columns = columns; self.language = language; self.t = t; self.timeZone = timeZone
        let definitions = Dictionary(lookups.customFields.map { ("cf:" + $0.key, $0) }, uniquingKeysWith: { first, _ in first })
        fields = columns.map { key in
            if let field = Field(rawValue: key) { return field }
            return definitions[key].map(Field.custom) ?? .unknown
        }
        names = Names(lookups)
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
            case .number: return .integer(client.clientNumber)
            case .legalName: return .text(d.legalName)
            case .tradeName: return text(d.tradeName)
            case .taxId: return text(d.taxID)
            case .taxIdKind: return text(d.taxIDKind?.rawValue)
            case .type: return text(d.clientTypeID.flatMap { names.types[$0] })
            case .group: return text(d.clientGroupID.flatMap { names.groups[$0] })
            case .branch: return text(d.branchID.flatMap { names.branches[$0] })
            case .salesAgent: return text(d.salesAgentID.flatMap { names.users[$0] })
            case .collector: return text(d.collectorID.flatMap { names.users[$0] })
            case .street: return text(d.address.street)
            case .streetNumber: return text(d.address.number)
            case .city: return text(d.address.city)
            case .state: return text(d.address.state)
            case .postalCode: return text(d.address.postalCode)
            case .country: return text(d.address.country)
            case .latitude: return d.latitude.map { .decimal($0) }
            case .longitude: return d.longitude.map { .decimal($0) }
            case .phones: return text(d.phones.joined(separator: ", "))
            case .emails: return text(d.emails.joined(separator: ", "))
            case .description: return text(d.description)
            case .archived: return .bool(client.archived)
            case .created: return .dateTime(client.createdAt)
            case .updated: return .dateTime(client.updatedAt)
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

    /// A column of the export; the raw values are the column keys of the list.
    private enum Field: Sendable {
        case number, legalName, tradeName, taxId, taxIdKind, type, group, branch, salesAgent, collector
        case street, streetNumber, city, state, postalCode, country, latitude, longitude, phones, emails
        case description, archived, created, updated
        case custom(CustomFieldDefinition)
        /// A saved column whose custom field is gone: left empty.
        case unknown

        init?(rawValue: String) {
            let all: [String: Field] = [
                "number": .number, "legalName": .legalName, "tradeName": .tradeName, "taxId": .taxId, "taxIdKind": .taxIdKind,
                "type": .type, "group": .group, "branch": .branch, "salesAgent": .salesAgent, "collector": .collector,
                "street": .street, "streetNumber": .streetNumber, "city": .city, "state": .state, "postalCode": .postalCode,
                "country": .country, "latitude": .latitude, "longitude": .longitude, "phones": .phones, "emails": .emails,
                "description": .description, "archived": .archived, "created": .created, "updated": .updated,
            ]
            guard let field = all[rawValue] else { return nil }
            self = field
        }
    }

    /// Catalogue names by id, for one lookup per cell.
    private struct Names: Sendable {
        let types: [ClientType.ID: String]
        let groups: [ClientGroup.ID: String]
        let branches: [Branch.ID: String]
        let users: [User.ID: String]

        init(_ lookups: Lookups) {
            types = Dictionary(lookups.types.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            groups = Dictionary(lookups.groups.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            branches = Dictionary(lookups.branches.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            users = Dictionary(lookups.users.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        }
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
        ["number", "legalName", "tradeName", "taxIdKind", "taxId", "type", "group", "branch", "salesAgent", "collector",
         "street", "streetNumber", "city", "state", "postalCode", "country", "latitude", "longitude", "phones", "emails",
         "description", "archived", "created", "updated"] + lookups.activeFields.map { "cf:" + $0.key }
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
