import Foundation
import SQLKit
import SQLiteKit
import Synchronization

/// A value bound into a statement, as SQLKit binds it.
typealias BoundValue = any Encodable & Sendable

/// A value of a bulk-written row with its type known. `Session.insert` takes rows of
/// these as they are, with no existential box, copy or cast per value (those were a
/// quarter of an import's transaction thread); bound into a statement like any other
/// value, SQLite's binder takes it with one cast and PostgreSQL gets what the value
/// inside encodes to. An instant is SQLite's INTEGER milliseconds, PostgreSQL's timestamptz.
enum BoundCell: Encodable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case instant(Date)

    init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    init(_ value: Int64?) { self = value.map { .integer($0) } ?? .null }
    init(_ value: Double?) { self = value.map { .real($0) } ?? .null }
    init(_ value: Date?) { self = value.map { .instant($0) } ?? .null }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let value): try container.encode(value)
        case .real(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        case .instant(let value): try container.encode(value)
        }
    }
}

extension Session {
    /// Many rows into `table`, in multi-row INSERTs of up to 1,000 rows. On SQLite their
    /// text is written directly, the same for every full block, so each handle compiles
    /// it once: building and serialising a block through SQLKit, 30 values a client,
    /// was a fifth of writing clients in bulk. (One row a statement would flush the
    /// search tables' pending words after every row.) PostgreSQL takes them through
    /// `COPY` (`CopyRows`) unless `returning` asks for rows back. `json` columns are
    /// jsonb on PostgreSQL. With `returning`, the rows it names, in no promised order.
    func insert(into table: String, columns: [String], json: Set<String> = [], rows: [[BoundCell]],
                returning: String? = nil) async throws -> [Row] {
        guard !rows.isEmpty else { return [] }
        if returning == nil, let postgres = sql as? PostgresStatements {
            try await postgres.copy(into: table, columns: columns, CopyRows(rows))
            return []
        }
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        let tail = returning.map { " RETURNING \($0)" } ?? ""
        // Under SQLite's 32,766 and PostgreSQL's 65,535 bound values a statement.
        let block = max(1, min(1000, 30_000 / columns.count))
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let kind = kind
        var found: [Row] = []
        for start in stride(from: 0, to: rows.count, by: block) {
            let part = rows[start..<min(start + block, rows.count)]
            if let sqlite = sql as? SQLiteSQL {
                let text = head + Array(repeating: placeholders, count: part.count).joined(separator: ", ") + tail
                var values: [SQLiteData] = []
                values.reserveCapacity(part.count * columns.count)
                for row in part { for cell in row { values.append(cell.sqliteData) } }
                let read = Mutex<[Row]>([])
                try await sqlite.execute(sql: text, values: values) { row in
                    read.withLock { $0.append(Row(raw: row, kind: kind)) }
                }
                found += read.withLock { $0 }
            } else {
                let values: [SQLQueryString] = part.map { row in
                    let cells: [SQLQueryString] = zip(columns, row).map { column, value in
                        json.contains(column) ? self.json(value) : "\(bind: value)"
                    }
                    return "(\(cells.joined(separator: ", ")))"
                }
                found += try await self.rows("\(unsafeRaw: head)\(values.joined(separator: ", "))\(unsafeRaw: tail)")
            }
        }
        return found
    }
}

extension Session {
    /// Runs `body` with this SQLite connection's page cache raised to `megabytes`:
    /// a transaction that changes more pages than the cache holds writes them to the
    /// WAL before it commits and reads them back (an import's 100,000 clients touch
    /// pages all over a million clients' indexes).
    func withPageCache<R>(megabytes: Int, _ body: () async throws -> R) async throws -> R {
        try await withPragma("cache_size", String(-megabytes * 1024), restoring: String(SQLiteHandle.cacheSize), body)
    }
}
