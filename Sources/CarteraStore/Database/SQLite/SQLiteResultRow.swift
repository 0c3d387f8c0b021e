import SQLiteKit
import SQLKit

/// A row read by `SQLiteHandle`: SQLite's own values, decoded on demand the way
/// SQLiteKit decodes them.
struct SQLiteResultRow: SQLRow {
    let columns: ResultColumns
    let values: [SQLiteData]

    private static let decoder = SQLiteDataDecoder()

    struct MissingColumn: Error, CustomStringConvertible {
        let column: String
        var description: String { "no column \(column) in the result" }
    }

    /// The value as SQLite gave it, for `Row`'s common cases.
    func data(_ column: String) throws -> SQLiteData {
        guard let offset = columns.offset(of: column) else { throw MissingColumn(column: column) }
        return values[offset]
    }

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.offset(of: column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let offset = columns.offset(of: column) else { return true }
        return values[offset] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        try Self.decoder.decode(D.self, from: try data(column))
    }
}
