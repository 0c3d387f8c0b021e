@preconcurrency import AsyncKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
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
