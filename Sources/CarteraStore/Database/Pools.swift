@preconcurrency import AsyncKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLiteKit

/// SQLite: WAL so readers never wait for the writer; a busy timeout as a last
/// resort; foreign keys on.
struct SQLitePool: ConnectionPool {
    let kind = DialectKind.sqlite
    let pool: EventLoopGroupConnectionPool<SQLiteTunedSource>
    let logger: Logger

    init(path: String, logger: Logger) {
        let source = SQLiteTunedSource(base: SQLiteConnectionSource(
            configuration: SQLiteConfiguration(storage: .file(path: path), enableForeignKeys: true)))
        pool = EventLoopGroupConnectionPool(source: source, maxConnectionsPerEventLoop: 4, logger: logger,
                                            on: MultiThreadedEventLoopGroup.singleton)
        self.logger = logger
    }

    func withConnection<R>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        let connection = try await pool.requestConnection(logger: logger).get()
        defer { pool.releaseConnection(connection, logger: logger) }
        return try await body(connection.sql())
    }

    func shutdown() async throws { try await pool.shutdownAsync() }
}

struct SQLiteTunedSource: ConnectionPoolSource {
    let base: SQLiteConnectionSource

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        base.makeConnection(logger: logger, on: eventLoop).flatMap { connection in
            connection.query("PRAGMA journal_mode = WAL")
                .flatMap { _ in connection.query("PRAGMA synchronous = NORMAL") }
                .flatMap { _ in connection.query("PRAGMA busy_timeout = 10000") }
                .map { _ in connection }
        }
    }
}

struct PostgresPool: ConnectionPool {
    let kind = DialectKind.postgres
    let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    let logger: Logger

    init(url: String, logger: Logger) throws {
        var configuration = try SQLPostgresConfiguration(url: url)
        if !url.contains("sslmode") && !url.contains("tlsmode") { configuration.coreConfiguration.tls = .disable }
        pool = EventLoopGroupConnectionPool(source: PostgresConnectionSource(sqlConfiguration: configuration),
                                            maxConnectionsPerEventLoop: 4, logger: logger,
                                            on: MultiThreadedEventLoopGroup.singleton)
        self.logger = logger
    }

    func withConnection<R>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        let connection = try await pool.requestConnection(logger: logger).get()
        defer { pool.releaseConnection(connection, logger: logger) }
        return try await body(connection.sql())
    }

    func shutdown() async throws { try await pool.shutdownAsync() }
}
