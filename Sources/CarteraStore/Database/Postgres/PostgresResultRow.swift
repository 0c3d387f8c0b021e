import PostgresKit
import SQLKit

/// A PostgreSQL result row whose common values (`Row.int`, `string`, …) PostgresNIO
/// decodes directly from their bytes. PostgresKit's `SQLRow` decodes every value
/// through a `Decoder` it builds for it: half the server's CPU on PostgreSQL's client
/// list, thirty columns a client. Anything else goes PostgresKit's way (`fallback`).
struct PostgresResultRow: SQLRow {
    let cells: PostgresRandomAccessRow
    let fallback: any SQLRow

    init(_ row: PostgresRow) {
        cells = row.makeRandomAccess()
        fallback = row.sql()
    }

    var allColumns: [String] { fallback.allColumns }
    func contains(column: String) -> Bool { cells.contains(column) }
    func decodeNil(column: String) throws -> Bool { try fallback.decodeNil(column: column) }
    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D { try fallback.decode(column: column, as: type) }

    /// `column` as PostgresNIO decodes `T`; PostgresKit's decoding when PostgresNIO
    /// cannot (a numeric for an integer, say) or the row has no such column (its error).
    func value<T: PostgresDecodable & Decodable>(_ column: String, as type: T.Type) throws -> T {
        if cells.contains(column), let value = try? cells[column].decode(T.self) { return value }
        return try fallback.decode(column: column, as: type)
    }
}
