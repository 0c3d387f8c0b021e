import CarteraCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteKit
import SQLKit
import Synchronization

/// The SQLite pool: up to `size` open handles lent one session at a time, most
/// recently used first (its statements are the ones compiled), and a few threads
/// that run their calls, so a long export never holds a thread of Swift's own pool.
/// One thread hop a query; SQLiteNIO took four and compiled every statement afresh.
final class SQLiteHandles: ConnectionPool {
    let kind = DialectKind.sqlite
    var capacity: Int { Self.size }
    let path: String
    let logger: Logger
    private let threads: NIOThreadPool
    private let state = Mutex(State())
    static let size = 8

    private struct State {
        var idle: [SQLiteHandle] = []
        var opened = 0
        var waiting: [CheckedContinuation<SQLiteHandle, any Error>] = []
    }

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
        threads = NIOThreadPool(numberOfThreads: max(4, ProcessInfo.processInfo.activeProcessorCount * 2))
        threads.start()
    }

    func withConnection<R>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        let handle = try await acquire()
        defer { release(handle) }
        return try await body(SQLiteSQL(handle: handle, threads: threads, logger: logger))
    }

    /// The file and its log (`-wal`) synced, on one of the pool's threads.
    func syncToDisk() async throws {
        let path = path
        try await threads.runIfActive {
            for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
                let handle = try FileHandle(forUpdating: URL(fileURLWithPath: file))
                defer { try? handle.close() }
                try handle.synchronize()
            }
        }
    }

    func shutdown() async throws {
        state.withLock { $0.idle.removeAll() }
        try await threads.shutdownGracefully()
    }

    private enum Next { case lend(SQLiteHandle), open, wait }

    private func acquire() async throws -> SQLiteHandle {
        let next = state.withLock { state -> Next in
            if let handle = state.idle.popLast() { return .lend(handle) }
            guard state.opened < Self.size else { return .wait }
            state.opened += 1
            return .open
        }
        switch next {
        case .lend(let handle):
            return handle
        case .open:
            do {
                let path = path
                return try await threads.runIfActive { try SQLiteHandle(path: path) }
            } catch {
                // With no handle open or opening, nothing would ever wake the waiters: they
                // get the error too (an unreadable file fails every request, never hangs one).
                let stranded = state.withLock { state -> [CheckedContinuation<SQLiteHandle, any Error>] in
                    state.opened -= 1
                    guard state.opened == 0 else { return [] }
                    defer { state.waiting.removeAll() }
                    return state.waiting
                }
                for waiter in stranded { waiter.resume(throwing: error) }
                throw error
            }
        case .wait:
            return try await withCheckedThrowingContinuation { continuation in
                let handle = state.withLock { state -> SQLiteHandle? in
                    if let handle = state.idle.popLast() { return handle }
                    state.waiting.append(continuation)
                    return nil
                }
                if let handle { continuation.resume(returning: handle) }
            }
        }
    }

    private func release(_ handle: SQLiteHandle) {
        let waiter = state.withLock { state -> CheckedContinuation<SQLiteHandle, any Error>? in
            if !state.waiting.isEmpty { return state.waiting.removeFirst() }
            state.idle.append(handle)
            return nil
        }
        waiter?.resume(returning: handle)
    }
}

/// SQLKit's view of one lent handle: SQL serialised with SQLite's dialect, values
/// bound as SQLiteKit binds them, the statement run on the pool's threads.
struct SQLiteSQL: AsyncSQLDatabase {
    let handle: SQLiteHandle
    let threads: NIOThreadPool
    let logger: Logger

    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var dialect: any SQLDialect { SQLiteDialect() }

    private static let encoder = SQLiteDataEncoder()

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        try await execute(sql: sql, binds: binds, onRow)
    }

    /// A statement as SQLite reads it (also one written by hand, without SQLKit) with its bound values.
    func execute(sql: String, binds: [BoundValue], _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: sql, values: try binds.map(Self.data), onRow)
    }

    /// A statement with its values already SQLite's (`Session.insert`'s rows).
    func execute(sql: String, values: [SQLiteData], _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        logger.debug("Executing query", metadata: ["sql": "\(sql)", "binds": "\(values)"])
        let handle = handle
        if Database.readsInline, Self.isRead(sql) { return try handle.query(sql, values) { onRow($0) } }
        try await threads.runIfActive { try handle.query(sql, values) { onRow($0) } }
    }

    /// A `SELECT`: in WAL mode it never waits for a writer, so it may run on the caller's thread.
    static func isRead(_ sql: String) -> Bool {
        sql.utf8.starts(with: "SELECT".utf8)
    }

    /// The common types directly, `nil` and booleans too (SQLiteKit's encoder builds an
    /// `Encoder` for each); anything else as SQLiteKit encodes it.
    private static func data(_ value: any Encodable & Sendable) throws -> SQLiteData {
        switch value {
        case let cell as BoundCell: cell.sqliteData
        case let number as Int64: .integer(Int(number))
        case let text as String: .text(text)
        case let number as Int: .integer(number)
        case let number as Double: .float(number)
        case let optional as any BoundOptional where optional.isNone: .null
        case let flag as Bool: .integer(flag ? 1 : 0)
        default: try encoder.encode(value)
        }
    }
}

/// An optional bound value, to tell `nil` without encoding it.
private protocol BoundOptional {
    var isNone: Bool { get }
}

extension Optional: BoundOptional {
    var isNone: Bool { if case .none = self { true } else { false } }
}

extension BoundCell {
    var sqliteData: SQLiteData {
        switch self {
        case .null: .null
        case .integer(let number): .integer(Int(number))
        case .real(let number): .float(number)
        case .text(let text): .text(text)
        case .instant(let date): .integer(Int(date.epochMilliseconds))
        }
    }
}
