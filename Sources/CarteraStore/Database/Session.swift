import CarteraCore
import Foundation
import SQLKit
import SQLiteKit

/// One connection, possibly inside a transaction, plus the dialect's codecs.
/// Store code writes SQL with bound values only (`\(bind: value)`), except the
/// integers and booleans it computes itself (`\(literal:)`, `literal(_:)`).
public struct Session: Sendable {
    let sql: any SQLDatabase
    public let kind: DialectKind

    func run(_ query: SQLQueryString) async throws {
        try await sql.raw(query).run()
    }

    func rows(_ query: SQLQueryString) async throws -> [Row] {
        try await sql.raw(query).all().map { Row(raw: $0, kind: kind) }
    }

    func first(_ query: SQLQueryString) async throws -> Row? {
        try await sql.raw(query).first().map { Row(raw: $0, kind: kind) }
    }

    /// Streams rows without collecting them (exports, demo checks).
    func stream(_ query: SQLQueryString, _ onRow: @escaping @Sendable (Row) -> Void) async throws {
        let kind = kind
        try await sql.execute(sql: query) { onRow(Row(raw: $0, kind: kind)) }
    }

    /// An instant as the dialect stores it: INTEGER ms in SQLite, timestamptz in PostgreSQL
    /// (`BoundCell.instant`, as bulk rows bind it).
    func instant(_ date: Date) -> SQLQueryString {
        "\(bind: BoundCell.instant(date))"
    }

    /// A boolean written into the statement. SQLite (3.54) plans a statement again
    /// on its first step when a bound 0 or 1 meets an `=` it estimates, and only a
    /// literal 0 lets it use an index made `WHERE archived = 0`.
    func literal(_ value: Bool) -> SQLQueryString {
        switch kind {
        case .sqlite: value ? "1" : "0"
        case .postgres: value ? "TRUE" : "FALSE"
        }
    }

    /// A JSON document bound as text; PostgreSQL stores it as jsonb.
    func json(_ text: BoundValue) -> SQLQueryString {
        switch kind {
        case .sqlite: "\(bind: text)"
        case .postgres: "CAST(\(bind: text) AS jsonb)"
        }
    }

    /// Reads a JSON column back as text.
    func jsonText(_ column: String) -> SQLQueryString {
        switch kind {
        case .sqlite: SQLQueryString(column)
        case .postgres: "\(unsafeRaw: column)::text"
        }
    }

    /// `IN (…)` over a list of ids; an empty list matches nothing.
    func inList<T>(_ ids: some Collection<EntityID<T>>) -> SQLQueryString {
        guard !ids.isEmpty else { return "(NULL)" }
        return "(\(binds: ids.sorted().map { $0.rawValue as any Encodable & Sendable }))"
    }
}

extension SQLQueryString {
    /// An integer written into the statement rather than bound, for `LIMIT` and
    /// `OFFSET`: SQLite (3.54) compiles a statement with a bound `LIMIT` twice, as
    /// it plans it again on the first step after the binding.
    mutating func appendInterpolation(literal value: Int) {
        appendInterpolation(unsafeRaw: String(value))
    }
}

/// A result row with the dialect's decoding of instants and JSON.
struct Row: Sendable {
    let raw: any SQLRow
    let kind: DialectKind
    /// The row as `SQLiteHandle` read it, on SQLite.
    private let sqliteRow: SQLiteResultRow?
    /// The row as a kept statement read it, on PostgreSQL.
    private let postgresRow: PostgresResultRow?

    init(raw: any SQLRow, kind: DialectKind) {
        self.raw = raw
        self.kind = kind
        // One cast a row, to the dialect's own type (an export reads a million rows).
        sqliteRow = kind == .sqlite ? raw as? SQLiteResultRow : nil
        postgresRow = kind == .postgres ? raw as? PostgresResultRow : nil
    }

    func int(_ column: String) throws -> Int64 {
        if case .integer(let value)? = try sqlite(column) { return Int64(value) }
        if let postgresRow { return try postgresRow.value(column, as: Int64.self) }
        return try raw.decode(column: column, as: Int64.self)
    }

    func optInt(_ column: String) throws -> Int64? {
        switch try sqlite(column) {
        case .null?: return nil
        case .integer(let value)?: return Int64(value)
        default:
            if let postgresRow { return try postgresRow.value(column, as: Int64?.self) }
            return try raw.decode(column: column, as: Int64?.self)
        }
    }

    func string(_ column: String) throws -> String {
        if case .text(let value)? = try sqlite(column) { return value }
        if let postgresRow { return try postgresRow.value(column, as: String.self) }
        return try raw.decode(column: column, as: String.self)
    }

    func optString(_ column: String) throws -> String? {
        switch try sqlite(column) {
        case .null?: return nil
        case .text(let value)?: return value
        default:
            if let postgresRow { return try postgresRow.value(column, as: String?.self) }
            return try raw.decode(column: column, as: String?.self)
        }
    }

    func bytes(_ column: String) throws -> Data { try raw.decode(column: column, as: Data.self) }

    func double(_ column: String) throws -> Double? {
        switch try sqlite(column) {
        case .null?: return nil
        case .float(let value)?: return value
        default:
            if let postgresRow { return try postgresRow.value(column, as: Double?.self) }
            return try raw.decode(column: column, as: Double?.self)
        }
    }

    func bool(_ column: String) throws -> Bool {
        switch kind {
        case .sqlite: try int(column) != 0
        case .postgres: try postgresRow.map { try $0.value(column, as: Bool.self) } ?? raw.decode(column: column, as: Bool.self)
        }
    }

    func id<T>(_ column: String) throws -> EntityID<T> { EntityID(try int(column)) }
    func optID<T>(_ column: String) throws -> EntityID<T>? { try optInt(column).map(EntityID.init) }

    func instant(_ column: String) throws -> Date {
        switch kind {
        case .sqlite: Date(epochMilliseconds: try int(column))
        case .postgres: try postgresRow.map { try $0.value(column, as: Date.self) } ?? raw.decode(column: column, as: Date.self)
        }
    }

    func optInstant(_ column: String) throws -> Date? {
        switch kind {
        case .sqlite: try optInt(column).map(Date.init(epochMilliseconds:))
        case .postgres: try postgresRow.map { try $0.value(column, as: Date?.self) } ?? raw.decode(column: column, as: Date?.self)
        }
    }

    /// SQLite's own value of a column, for the common cases above to take as it is
    /// (SQLiteKit's decoding built a `Decoder` for each optional value: a quarter of
    /// an export). Anything unexpected still goes the `Decodable` way.
    private func sqlite(_ column: String) throws -> SQLiteData? {
        try sqliteRow?.data(column)
    }

    func json<T: Decodable>(_ column: String, as type: T.Type) throws -> T {
        let text = try string(column)
        if T.self == [String].self, let list = FlatJSON.strings(text) { return list as! T }
        if T.self == [String: CustomFieldValue].self, let fields = FlatJSON.fields(text) { return fields as! T }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

extension Encodable {
    /// Compact, key-sorted JSON, so equal values store equal text.
    func jsonString() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("null".utf8), as: UTF8.self)
    }
}
