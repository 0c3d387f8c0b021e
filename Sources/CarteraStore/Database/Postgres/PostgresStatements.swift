import Logging
import NIOCore
import PostgresKit
import SQLKit
import Synchronization

/// SQLKit's view of one lent PostgreSQL connection. Each statement runs as a named
/// prepared statement, kept on the connection for the next run: PostgreSQL then
/// parses it once and, after a few runs, plans it once, where SQLKit's unnamed
/// statements had it parsed and planned on every run (planning was most of the
/// server's CPU on the client card). Values whose type PostgresNIO cannot bind
/// directly go the unprepared way, as PostgresKit encodes them.
struct PostgresStatements: AsyncSQLDatabase {
    let connection: KeptStatementsConnection
    let logger: Logger

    var eventLoop: any EventLoop { connection.eventLoop }
    var dialect: any SQLDialect { PostgresDialect() }
    var version: (any SQLDatabaseReportedVersion)? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        guard let (bindings, types) = try Self.bindings(binds) else {
            return try await connection.connection.sql().execute(sql: query, onRow)
        }
        logger.debug("Executing query", metadata: ["sql": "\(sql)", "binds": "\(binds)"])
        // The bound types are part of the statement: PostgreSQL fixes a parameter's type
        // when it prepares it, as it did for the unnamed statement with the same values.
        let name = StatementNames.shared.name(for: sql, types: types)
        connection.use(name)
        do {
            try await KeptStatement.$current.withValue(KeptStatement.Text(name: name, sql: sql)) {
                let rows = try await connection.connection.execute(KeptStatement(bindings: bindings), logger: logger)
                var columns: ResultColumns?
                for try await row in rows {
                    let known = columns ?? ResultColumns(row.map(\.columnName), keeping: .last)
                    columns = known
                    onRow(PostgresResultRow(row, columns: known))
                }
            }
        } catch let error as PSQLError {
            if Self.mayLeaveStatementBroken(error) { connection.retire() }
            throw error
        }
    }

    /// Rows into `table` through `COPY … FROM STDIN` (`CopyRows`).
    func copy(into table: String, columns: [String], _ rows: CopyRows) async throws {
        do {
            try await connection.connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                for chunk in rows.chunks { try await writer.write(chunk) }
            }
        } catch let error as PSQLError {
            if Self.mayLeaveStatementBroken(error) { connection.retire() }
            throw error
        }
    }

    /// Any error but those a statement's values or data cause when it runs (classes 22, 23,
    /// 40 and P0: bad data, a broken constraint, a conflict, a trigger's refusal). Others may
    /// have come while preparing it — a table not there yet (42P01), a transaction already
    /// failed (25P02) — and PostgresNIO keeps such a failure for good on the connection; or
    /// the prepared statement's result columns changed under it (0A000).
    private static func mayLeaveStatementBroken(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return true }
        return !["22", "23", "40", "P0"].contains(state.prefix(2))
    }

    /// The values as PostgresNIO binds them, and their types; nil if one has no
    /// PostgreSQL encoding of its own (PostgresKit then encodes it through `Encodable`).
    private static func bindings(_ binds: [any Encodable & Sendable]) throws -> (PostgresBindings, [UInt32])? {
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [UInt32] = []
        types.reserveCapacity(binds.count)
        for bound in binds {
            guard let value = unwrapped(bound) else {
                bindings.appendNull()
                types.append(0)
                continue
            }
            if let cell = value as? BoundCell {
                switch cell {
                case .null: bindings.appendNull(); types.append(0)
                case .integer(let n): bindings.append(n); types.append(PostgresDataType.int8.rawValue)
                case .real(let x): bindings.append(x); types.append(PostgresDataType.float8.rawValue)
                case .text(let text): bindings.append(text); types.append(PostgresDataType.text.rawValue)
                case .instant(let date): bindings.append(date); types.append(PostgresDataType.timestamptz.rawValue)
                }
            } else if let encodable = value as? any PostgresThrowingDynamicTypeEncodable {
                try bindings.append(encodable)
                types.append(encodable.psqlType.rawValue)
            } else {
                return nil
            }
        }
        return (bindings, types)
    }

    /// The value inside any optionals, nil for a NULL. A bound `String?` or `Date?`
    /// arrives boxed as the optional itself, which PostgresNIO's encodings do not cast
    /// from: every statement binding one went the unprepared way.
    static func unwrapped(_ value: Any) -> Any? {
        guard let optional = value as? any OptionalValue else { return value }
        return optional.wrapped.flatMap(unwrapped)
    }
}

private protocol OptionalValue { var wrapped: Any? { get } }

extension Optional: OptionalValue {
    var wrapped: Any? { map { $0 } }
}

/// PostgresNIO prepares statements declared as types, with a static name and text;
/// this one type reads both from the task that runs it.
struct KeptStatement: PostgresPreparedStatement {
    struct Text: Sendable {
        let name: String
        let sql: String
    }

    @TaskLocal static var current = Text(name: "", sql: "")
    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

/// One name per statement text and bound types, the same on every connection. A name
/// is never given to another text: past `limit` texts the table starts over with new
/// names (texts differ by literal limits and list lengths), and connections prepare again.
final class StatementNames: Sendable {
    static let shared = StatementNames()
    static let limit = 20_000

    private let state = Mutex<(names: [String: String], next: Int)>(([:], 0))

    func name(for sql: String, types: [UInt32]) -> String {
        var key = sql
        key.reserveCapacity(sql.utf8.count + types.count * 5)
        for type in types { key += "\u{1}\(type)" }
        return state.withLock { state in
            if let name = state.names[key] { return name }
            if state.names.count >= Self.limit { state.names.removeAll(keepingCapacity: true) }
            state.next += 1
            let name = "cartera_\(state.next)"
            state.names[key] = name
            return name
        }
    }
}
