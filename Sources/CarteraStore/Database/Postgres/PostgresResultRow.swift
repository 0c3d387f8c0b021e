import PostgresKit
import SQLKit

/// A PostgreSQL result row whose common values (`Row.int`, `string`, …) PostgresNIO
/// decodes directly from their bytes. PostgresKit's `SQLRow` decodes every value
/// through a `Decoder` it builds for it: a quarter of the request threads' samples on
/// PostgreSQL's client list, thirty columns a client. Anything else goes PostgresKit's
/// way (`decode`). A class: `Row` reads it value after value, and a struct of its size
/// was copied each time.
final class PostgresResultRow: SQLRow {
    let row: PostgresRow
    let cells: PostgresRandomAccessRow
    let columns: ResultColumns

    init(_ row: PostgresRow, columns: ResultColumns) {
        self.row = row
        self.columns = columns
        cells = row.makeRandomAccess()
    }

    var allColumns: [String] { columns.names }
    func contains(column: String) -> Bool { columns.offset(of: column) != nil }
    func decodeNil(column: String) throws -> Bool { columns.offset(of: column).map { cells[$0].bytes == nil } ?? true }
    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D { try row.sql().decode(column: column, as: type) }

    /// `column` as PostgresNIO decodes `T`; PostgresKit's decoding when PostgresNIO
    /// cannot (a numeric for an integer, say) or the row has no such column (its error).
    func value<T: PostgresDecodable & Decodable>(_ column: String, as type: T.Type) throws -> T {
        if let position = columns.offset(of: column), let value = try? cells[position].decode(T.self) { return value }
        return try decode(column: column, as: type)
    }
}
