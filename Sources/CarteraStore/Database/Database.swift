import CarteraCore
import Foundation
import Logging
import SQLKit

/// The two databases Cartera runs on.
public enum DialectKind: String, Sendable {
    case sqlite, postgres
}

/// A pool of connections to one database, one implementation per dialect.
protocol ConnectionPool: Sendable {
    var kind: DialectKind { get }
    /// How many connections it lends at most.
    var capacity: Int { get }
    func withConnection<R>(_ body: (any SQLDatabase) async throws -> R) async throws -> R
    /// Syncs what earlier commits wrote to the disk, if they may not have.
    func syncToDisk() async throws
    func shutdown() async throws
}

/// The database: reads on any pooled connection, writes in a transaction.
/// Every store type takes one of these; nothing else opens connections.
public final class Database: Sendable {
    let pool: any ConnectionPool
    public let logger: Logger
    /// SQLite allows one writer at a time; writers queue here instead of
    /// spinning on `SQLITE_BUSY` while holding a thread.
    private let writeGate: AsyncGate?
    /// Long reads share half the pool (`longRead`).
    private let longReads: AsyncGate
    let catalogues = CatalogueCache()

    init(pool: any ConnectionPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
        self.writeGate = pool.kind == .sqlite ? AsyncGate() : nil
        self.longReads = AsyncGate(permits: max(1, pool.capacity / 2))
    }

    public var kind: DialectKind { pool.kind }

    /// Opens a database from a URL: `sqlite:///abs/path.sqlite`, `sqlite://relative.sqlite`,
    /// `postgres://user:pass@host:port/db` or `postgres://user@/db?host=/socket/dir`.
    /// `connections`: how many PostgreSQL connections this process holds at most, rounded up to
    /// a multiple of its cores; nil for `PostgresConnections.perEventLoop` a core.
    public static func open(url: String, logger: Logger, connections: Int? = nil) throws -> Database {
        let location = try DatabaseLocation(url)
        switch location {
        case .sqlite(let path):
            return Database(pool: SQLiteHandles(path: path, logger: logger), logger: logger)
        case .postgres(let url):
            return Database(pool: try PostgresConnections(url: url, connections: connections, logger: logger), logger: logger)
        }
    }

    /// Runs `body` on one connection, outside a transaction.
    public func read<R>(_ body: (Session) async throws -> R) async throws -> R {
        try await pool.withConnection { try await body(Session(sql: $0, kind: kind)) }
    }

    /// `read` for what holds a connection for long — an export's rows, a map's grid over every
    /// client: at most half the pool's connections at once, the others waiting here without one.
    /// Sixteen heat maps at once on PostgreSQL at a million clients held every connection for
    /// seconds, and a card arriving behind them failed after waiting ten for one.
    public func longRead<R>(_ body: (Session) async throws -> R) async throws -> R {
        try await longReads.withPermit { try await read(body) }
    }

    /// Runs `body` in one transaction; rolls back when it throws. With `journalsInMemory`,
    /// SQLite keeps the transaction's statement journals in memory (`temp_store = MEMORY`,
    /// which it reads as the transaction begins): each statement that writes many rows keeps
    /// the pages it changes there, to undo itself alone if it fails, and past 64 KiB wrote
    /// them to a temporary file — an import's block of new clients changes pages all over
    /// fifteen indexes. Only for statements of bounded size: one statement changing most of
    /// a large table would hold all those pages in memory.
    ///
    /// With `syncing: false` SQLite's commit does not wait for the disk (`synchronous = OFF`:
    /// neither the log nor the file is synced when the log is copied back). Only for a bulk
    /// load into an empty database, which a crash leaves to be redone anyway and which syncs
    /// the file at its end (`bulkLoad`): a system crash meanwhile can leave the file damaged,
    /// not only short. PostgreSQL's commits are unchanged.
    public func write<R>(journalsInMemory: Bool = false, syncing: Bool = true,
                         _ body: (Session) async throws -> R) async throws -> R {
        defer { forgetCatalogueCheck() }
        var settings: [(set: SQLQueryString, reset: SQLQueryString)] = []
        if kind == .sqlite, journalsInMemory { settings.append(("PRAGMA temp_store = MEMORY", "PRAGMA temp_store = DEFAULT")) }
        if kind == .sqlite, !syncing {
            settings.append(("PRAGMA synchronous = OFF", "PRAGMA synchronous = \(unsafeRaw: SQLiteHandle.synchronous)"))
        }
        if let writeGate {
            return try await writeGate.withPermit { try await transaction(changing: settings, body) }
        }
        return try await transaction(changing: settings, body)
    }

    /// A transaction between SQLite connection `settings` and their resets: SQLite reads
    /// them as the transaction begins and as it commits, so they wrap both.
    private func transaction<R>(changing settings: [(set: SQLQueryString, reset: SQLQueryString)],
                                _ body: (Session) async throws -> R) async throws -> R {
        try await pool.withConnection { sql in
            let session = Session(sql: sql, kind: kind)
            guard !settings.isEmpty else { return try await transaction(session, body) }
            for setting in settings { try await session.run(setting.set) }
            let outcome: Result<R, any Error>
            do { outcome = .success(try await transaction(session, body)) } catch { outcome = .failure(error) }
            // Put back whatever happened: the pool lends the connection on. (After a commit,
            // failing here must not report the transaction as failed.)
            for setting in settings {
                do { try await session.run(setting.reset) } catch {
                    logger.error("connection setting not restored", metadata: ["setting": "\(setting.reset)", "error": "\(error)"])
                }
            }
            return try outcome.get()
        }
    }

    /// Syncs the SQLite file and its log to the disk, whatever writes since the last sync left
    /// in the system's cache (after writes with `syncing: false`). PostgreSQL: nothing to do.
    func syncToDisk() async throws { try await pool.syncToDisk() }

    private func transaction<R>(_ session: Session, _ body: (Session) async throws -> R) async throws -> R {
        try await session.run(kind == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let result = try await body(session)
            try await session.run("COMMIT")
            return result
        } catch {
            do { try await session.run("ROLLBACK") } catch {
                logger.error("rollback failed", metadata: ["error": "\(error)"])
            }
            throw error
        }
    }

    public func shutdown() async throws { try await pool.shutdown() }
}

/// Where the database lives, parsed from a URL.
public enum DatabaseLocation: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(url: String)

    public struct InvalidURL: Error, CustomStringConvertible {
        public let url: String
        public var description: String {
            "invalid database URL '\(url)': use sqlite:///abs/path.sqlite, sqlite://relative.sqlite, postgres://user:pass@host:port/db or postgres://user@/db?host=/socket/dir"
        }
    }

    public init(_ url: String) throws {
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty, path != "/" else { throw InvalidURL(url: url) }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            self = .postgres(url: url)
        } else {
            throw InvalidURL(url: url)
        }
    }
}

/// A queue of async waiters for a number of permits (one: a mutex that suspends instead of blocking).
actor AsyncGate {
    private var free: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(permits: Int = 1) { free = permits }

    func acquire() async {
        if free > 0 { free -= 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { free += 1 } else { waiters.removeFirst().resume() }
    }

    nonisolated func withPermit<R>(_ body: () async throws -> R) async throws -> R {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}

extension Database {
    /// Runs one statement outside a transaction. Only for fixed administrative
    /// text (creating test databases); never with user input.
    public func execute(unsafe statement: String) async throws {
        try await read { try await $0.run(SQLQueryString(statement)) }
    }
}
