import CarteraSQLitePlans
import Foundation
import NIOCore
import SQLiteKit
import Synchronization
import VaporCSQLite

/// One open SQLite database and the statements it has compiled, kept for the next
/// query with the same text (SQLite compiling a statement cost more than running it
/// on most pages). Used by one query at a time: the pool lends it to one session,
/// and its calls run on the pool's threads (docs/decisions.md, "Own SQLite driver").
final class SQLiteHandle: @unchecked Sendable {
    private let db: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]
    /// Pages kept per handle, in KiB when negative (`PRAGMA cache_size`).
    static let cacheSize = -8192
    /// When SQLite syncs (`PRAGMA synchronous`): NORMAL, in WAL mode, syncs the log before
    /// copying it back into the file and the file after, not at every commit.
    static let synchronous = "NORMAL"
    /// Texts differ by their literal limits and list lengths; past this many, start over.
    static let keptStatements = 256

    private static let initialised: Void = { _ = sqlite_nio_sqlite3_initialize() }()

    init(path: String) throws {
        Self.initialised
        var opened: OpaquePointer?
        // No mutex of SQLite's own: the pool never lends a handle to two queries at once.
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path, &opened, flags, nil)
        guard let opened else { throw SQLiteFailure(code: status, message: "cannot open \(path)") }
        do {
            guard status == SQLITE_OK else { throw SQLiteFailure(code: status, message: Self.message(opened)) }
            // Before any statement: handles opened at once on a new file race to switch it
            // to WAL, and without a busy handler the losers failed with "database is locked".
            sqlite_nio_sqlite3_busy_timeout(opened, 10_000)
            // One plan per statement text, whatever values are bound: otherwise SQLite marks
            // values compared with a partial index's terms (or a LIKE pattern, a LIMIT) and
            // compiles the kept statement again at every run, a fifth of the card's CPU.
            let stable = cartera_sqlite_stable_plans(UnsafeMutableRawPointer(opened))
            guard stable == SQLITE_OK else { throw SQLiteFailure(code: stable, message: "cannot keep query plans stable") }
            // WAL so readers never wait for the writer; 8 MB of pages per connection: a broad
            // list at a million clients reads its table pages from here rather than through a
            // system call each.
            try Self.execute(opened, """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = \(Self.synchronous);
                PRAGMA cache_size = \(Self.cacheSize); PRAGMA foreign_keys = ON
                """)
        } catch {
            sqlite_nio_sqlite3_close_v2(opened)
            throw error
        }
        db = opened
    }

    deinit {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        sqlite_nio_sqlite3_close_v2(db)
    }

    /// Runs statements without results (connection settings).
    private static func execute(_ db: OpaquePointer, _ script: String) throws {
        let status = sqlite_nio_sqlite3_exec(db, script, nil, nil, nil)
        guard status == SQLITE_OK else { throw SQLiteFailure(code: status, message: message(db)) }
    }

    /// Runs one statement with its bound values, handing each row over as it is read.
    func query(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteResultRow) -> Void) throws {
        let statement = try prepared(sql)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (offset, value) in binds.enumerated() { try bind(value, at: Int32(offset + 1), in: statement) }
        var columns: ResultColumns?
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw SQLiteFailure(code: status, message: Self.message(db)) }
            // Columns read once the statement runs: after a schema change SQLite compiles
            // it again in its first step, and `SELECT *` may then have more columns.
            let names = columns ?? ResultColumns((0..<sqlite_nio_sqlite3_column_count(statement)).map { Self.columnName(statement, $0) },
                                                 keeping: .first)
            columns = names
            var values: [SQLiteData] = []
            values.reserveCapacity(names.names.count)
            for column in 0..<Int32(names.names.count) { values.append(Self.value(statement, column)) }
            onRow(SQLiteResultRow(columns: names, values: values))
        }
    }

    /// How often SQLite compiled a kept statement again (schema changes, or values
    /// that could change its plan); nil if the text is not kept.
    func recompilations(of sql: String) -> Int32? {
        statements[sql].map { sqlite_nio_sqlite3_stmt_status($0, SQLITE_STMTSTATUS_REPREPARE, 0) }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let kept = statements[sql] { return kept }
        if statements.count >= Self.keptStatements {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements.removeAll(keepingCapacity: true)
        }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw SQLiteFailure(code: status, message: Self.message(db))
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteData, at index: Int32, in statement: OpaquePointer) throws {
        let status: Int32 = switch value {
        case .integer(let number): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
        case .float(let number): sqlite_nio_sqlite3_bind_double(statement, index, number)
        case .text(let text): sqlite_nio_sqlite3_bind_text64(statement, index, text, UInt64(text.utf8.count), transient, UInt8(SQLITE_UTF8))
        case .blob(let buffer): buffer.withUnsafeReadableBytes {
            sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient)
        }
        case .null: sqlite_nio_sqlite3_bind_null(statement, index)
        }
        guard status == SQLITE_OK else { throw SQLiteFailure(code: status, message: Self.message(db)) }
    }

    private static func value(_ statement: OpaquePointer, _ column: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            let bytes = sqlite_nio_sqlite3_column_text(statement, column)
            let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .text(bytes.map { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) } ?? "")
        case SQLITE_BLOB:
            let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: length)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length))
            }
            return .blob(buffer)
        default: return .null
        }
    }

    private static func columnName(_ statement: OpaquePointer, _ column: Int32) -> String {
        sqlite_nio_sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
    }

    private static func message(_ db: OpaquePointer) -> String {
        sqlite_nio_sqlite3_errmsg(db).map { String(cString: $0) } ?? "unknown SQLite error"
    }
}

/// SQLite copies bound text and blobs before the call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// An error SQLite reported, with its (extended) result code.
struct SQLiteFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }
}
