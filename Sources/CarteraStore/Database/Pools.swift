@preconcurrency import AsyncKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLiteKit
import SQLKit

/// A pool of connections from one source; `sql` turns a connection into SQLKit's view of it.
struct PooledConnections<Source: ConnectionPoolSource>: ConnectionPool {
    let kind: DialectKind
    let pool: EventLoopGroupConnectionPool<Source>
    let logger: Logger
    let sql: @Sendable (Source.Connection) -> any SQLDatabase

    func withConnection<R>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        let connection = try await pool.requestConnection(logger: logger).get()
        defer { pool.releaseConnection(connection, logger: logger) }
        return try await body(sql(connection))
    }

    func shutdown() async throws { try await pool.shutdownAsync() }
}

extension PooledConnections where Source == SQLiteTunedSource {
    /// SQLite: WAL so readers never wait for the writer; a busy timeout as a
    /// last resort; foreign keys on.
    static func sqlite(path: String, logger: Logger) -> Self {
        let source = SQLiteTunedSource(base: SQLiteConnectionSource(
            configuration: SQLiteConfiguration(storage: .file(path: path), enableForeignKeys: true)))
        return Self(kind: .sqlite,
                    pool: EventLoopGroupConnectionPool(source: source, maxConnectionsPerEventLoop: 4, logger: logger,
                                                       on: MultiThreadedEventLoopGroup.singleton),
                    logger: logger, sql: { $0.sql() })
    }
}

extension PooledConnections where Source == PostgresConnectionSource {
    /// PostgreSQL; TLS only when the URL asks for it (`sslmode=`).
    static func postgres(url: String, logger: Logger) throws -> Self {
        var configuration = try SQLPostgresConfiguration(url: url)
        if !url.contains("sslmode") && !url.contains("tlsmode") { configuration.coreConfiguration.tls = .disable }
        return Self(kind: .postgres,
                    pool: EventLoopGroupConnectionPool(source: PostgresConnectionSource(sqlConfiguration: configuration),
                                                       maxConnectionsPerEventLoop: 4, logger: logger,
                                                       on: MultiThreadedEventLoopGroup.singleton),
                    logger: logger, sql: { $0.sql() })
    }
}

struct SQLiteTunedSource: ConnectionPoolSource {
    let base: SQLiteConnectionSource

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        base.makeConnection(logger: logger, on: eventLoop).flatMap { connection in
            connection.query("PRAGMA journal_mode = WAL")
                .flatMap { _ in connection.query("PRAGMA synchronous = NORMAL") }
                .flatMap { _ in connection.query("PRAGMA busy_timeout = 10000") }
                // 8 MB of pages per connection instead of 2: a broad list at a million clients
                // reads its table pages from here rather than through a system call each.
                .flatMap { _ in connection.query("PRAGMA cache_size = -8192") }
                .map { _ in connection }
        }
    }
}
