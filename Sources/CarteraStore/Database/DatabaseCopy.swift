import Foundation
import SQLKit

/// Moves a company from its SQLite file to PostgreSQL, for when it outgrows one
/// machine: both are migrated to the same version, the target must hold no
/// company yet, and every row of every table the two schemas share is copied in
/// one PostgreSQL transaction (all or nothing), parents before children, with
/// values converted to the target's column types (0/1 → boolean, milliseconds →
/// timestamptz, text → jsonb). Identity sequences then continue after the copied
/// ids, and the tables are vacuumed and analysed. SQLite's own search tables are not copied:
/// PostgreSQL indexes the same columns itself. The source should not be written to meanwhile
/// (stop the server).
public struct DatabaseCopy: Sendable {
    let source: Database
    let target: Database

    public init(from source: Database, to target: Database) { self.source = source; self.target = target }

    public enum CopyError: Error, CustomStringConvertible {
        case directions
        case targetNotEmpty

        public var description: String {
            switch self {
            case .directions: "copy goes from a SQLite database to a PostgreSQL one"
            case .targetNotEmpty: "the PostgreSQL database already holds a company; copy only into a new, empty one"
            }
        }
    }

    /// Copies everything; `progress` hears each table with its row count. Returns the rows copied.
    @discardableResult
    public func run(progress: @Sendable (String, Int) -> Void = { _, _ in }) async throws -> Int {
        guard source.kind == .sqlite, target.kind == .postgres else { throw CopyError.directions }
        try await Migrator(database: source).migrate()
        try await Migrator(database: target).migrate()
        let (total, tables) = try await target.write { session in
            guard try await session.first("SELECT id FROM company LIMIT 1") == nil,
                  try await session.first("SELECT id FROM users LIMIT 1") == nil else { throw CopyError.targetNotEmpty }
            let tables = try await Self.targetTables(session)
            let (order, selfReferences) = try await Self.dependencyOrder(session, tables: Array(tables.keys))
            // Rows the migrations seeded (roles, counters, settings) come again from the source.
            for table in order.reversed() { try await session.run("DELETE FROM \(ident: table)") }
            var total = 0
            for table in order {
                let shared = try await sourceColumns(table).filter { tables[table]?[$0] != nil }
                guard !shared.isEmpty else { continue }
                let columns = shared.map { (name: $0, type: tables[table]![$0]!) }
                let copied = try await copy(table, columns, deferring: selfReferences[table] ?? [], into: session)
                progress(table, copied)
                total += copied
            }
            for row in try await session.rows("""
                SELECT table_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'
                """) {
                let table = try row.string("table_name")
                try await session.run("""
                    SELECT setval(pg_get_serial_sequence(\(bind: table), 'id'), COALESCE((SELECT MAX(id) FROM \(ident: table)), 0) + 1, false)
                    """)
            }
            return (total, tables.keys.sorted())
        }
        // New tables have neither planner statistics nor a visibility map until autovacuum comes by,
        // and until then the filtered client list took a second a page (`Database.bulkLoad` does the same).
        try await target.read { try await $0.settle(tables) }
        return total
    }

    /// Table → column → PostgreSQL data type, without the migrations' own table.
    static func targetTables(_ session: Session) async throws -> [String: [String: String]] {
        var tables: [String: [String: String]] = [:]
        for row in try await session.rows("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'
            """) {
            tables[try row.string("table_name"), default: [:]][try row.string("column_name")] = try row.string("data_type")
        }
        return tables
    }

    /// Parents before children (Kahn's order over the foreign keys); a table's
    /// references to itself (a user's manager) are filled in after its rows.
    static func dependencyOrder(_ session: Session, tables: [String]) async throws -> ([String], [String: [String]]) {
        var parents: [String: Set<String>] = [:]
        var selfReferences: [String: [String]] = [:]
        for row in try await session.rows("""
            SELECT child.relname AS child, parent.relname AS parent, a.attname AS column_name
            FROM pg_constraint c JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.contype = 'f' AND child.relnamespace = current_schema()::regnamespace
            """) {
            let child = try row.string("child"), parent = try row.string("parent")
            if child == parent { selfReferences[child, default: []].append(try row.string("column_name")) }
            else { parents[child, default: []].insert(parent) }
        }
        var order: [String] = []
        var remaining = Set(tables)
        while !remaining.isEmpty {
            let ready = remaining.filter { (parents[$0] ?? []).isSubset(of: Set(order)) }.sorted()
            guard !ready.isEmpty else { order += remaining.sorted(); break }
            order += ready
            remaining.subtract(ready)
        }
        return (order, selfReferences)
    }

    func sourceColumns(_ table: String) async throws -> [String] {
        try await source.read { session in
            try await session.rows("SELECT name FROM pragma_table_info(\(bind: table))").map { try $0.string("name") }
        }
    }

    /// One table in blocks of rows read by rowid and written with multi-row inserts.
    func copy(_ table: String, _ columns: [(name: String, type: String)], deferring later: [String],
              into session: Session) async throws -> Int {
        let names = columns.map(\.name)
        let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
        let block = max(1, 30_000 / columns.count)
        var afterRowID: Int64 = -1 << 62
        var copied = 0
        var deferred: [(id: Int64, column: String, value: Int64)] = []
        while true {
            let rows = try await source.read { source in
                try await source.rows("""
                    SELECT rowid AS copy_rowid, \(unsafeRaw: list) FROM \(ident: table)
                    WHERE rowid > \(bind: afterRowID) ORDER BY rowid LIMIT \(literal: block)
                    """)
            }
            guard let last = rows.last else {
                // References to the same table, now that every row it may name is there.
                for item in deferred {
                    try await session.run("UPDATE \(ident: table) SET \(ident: item.column) = \(bind: item.value) WHERE id = \(bind: item.id)")
                }
                return copied
            }
            afterRowID = try last.int("copy_rowid")
            let values: [SQLQueryString] = try rows.map { row in
                let cells: [SQLQueryString] = try columns.map { column in
                    if later.contains(column.name), let value = try row.optInt(column.name) {
                        deferred.append((try row.int("id"), column.name, value))
                        return "NULL"
                    }
                    return try Self.value(row, column.name, column.type)
                }
                return "(\(cells.joined(separator: ", ")))"
            }
            try await session.run("INSERT INTO \(ident: table) (\(unsafeRaw: list)) VALUES \(values.joined(separator: ", "))")
            copied += rows.count
        }
    }

    /// A SQLite value as the PostgreSQL column's type wants it.
    static func value(_ row: Row, _ column: String, _ type: String) throws -> SQLQueryString {
        if try row.raw.decodeNil(column: column) { return "NULL" }
        switch type {
        case "boolean": return "\(bind: try row.int(column) != 0)"
        case "timestamp with time zone": return "\(bind: Date(epochMilliseconds: try row.int(column)))"
        case "jsonb": return "CAST(\(bind: try row.string(column)) AS jsonb)"
        case "bigint", "integer", "smallint": return "\(bind: try row.int(column))"
        case "double precision", "real", "numeric": return "\(bind: try row.raw.decode(column: column, as: Double.self))"
        case "bytea": return "\(bind: try row.bytes(column))"
        default: return "\(bind: try row.string(column))"
        }
    }
}
