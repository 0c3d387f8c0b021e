@preconcurrency import AsyncKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import Synchronization

/// The PostgreSQL pool: AsyncKit's, over connections that keep the statements they
/// have prepared (docs/decisions.md, "Kept statements on PostgreSQL").
struct PostgresConnections: ConnectionPool {
    let kind = DialectKind.postgres
    let pool: EventLoopGroupConnectionPool<KeptStatementsSource>
    let logger: Logger
    let capacity: Int
    /// Connections per event loop of the process's group (one loop per core) unless the instance is
    /// given a number. A bounded page holds its connection from its first statement to its last
    /// (`HeldConnection`), so with eight a loop the bench's sixteen requests each had one, and sixteen
    /// PostgreSQL processes shared two cores with Cartera's: the quick search's p99, median of fourteen
    /// alternating loads, 36.7 ms against 28.9 with two a loop, for the same requests a second
    /// (docs/decisions.md, "Two PostgreSQL connections a core").
    static let perEventLoop = 2
    /// Settings of Cartera's own sessions, sent when each connection starts (docs/decisions.md,
    /// "Cartera's PostgreSQL sessions plan for a database in memory"). Synchronised scans start
    /// a table's sequential scan where another one has got to: a capped count (`LIMIT 1001`)
    /// started among 200,000 imported clients of another type and read them all (the list's
    /// p99 310 ms instead of 55). A random page read costs about what a sequential one does
    /// when the database sits in memory; at the default four times as much, the planner counted
    /// a filtered list by reading the table rather than its index (1.9 ms against 0.4).
    static let sessionSettings = [("synchronize_seqscans", "off"), ("random_page_cost", "1.1")]

    init(url: String, connections: Int?, logger: Logger) throws {
        var configuration = try PostgresURL.configuration(url)
        configuration.coreConfiguration.options.additionalStartupParameters = Self.sessionSettings
        self.logger = logger
        let loops = NIOSingletons.groupLoopCountSuggestion
        let perLoop = connections.map { max(1, ($0 + loops - 1) / loops) } ?? Self.perEventLoop
        capacity = perLoop * loops
        pool = EventLoopGroupConnectionPool(source: KeptStatementsSource(source: PostgresConnectionSource(sqlConfiguration: configuration)),
                                            maxConnectionsPerEventLoop: perLoop, logger: logger,
                                            on: MultiThreadedEventLoopGroup.singleton)
    }

    func withConnection<R>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        if let held = Database.heldConnection,
           let connection = try await held.connection(of: ObjectIdentifier(pool), take: { [pool, logger] in
               try await pool.requestConnection(logger: logger).get()
           }, giveBack: release) {
            return try await body(PostgresStatements(connection: connection, logger: logger))
        }
        let connection = try await pool.requestConnection(logger: logger).get()
        do {
            let result = try await body(PostgresStatements(connection: connection, logger: logger))
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }

    /// A retiring connection is closed before the pool sees it again, so the pool drops it
    /// and opens a fresh one when needed rather than lending one that is closing.
    @Sendable private func release(_ connection: KeptStatementsConnection) async {
        if connection.retiring { try? await connection.close().get() }
        pool.releaseConnection(connection, logger: logger)
    }

    /// Every commit here waited for PostgreSQL's log.
    func syncToDisk() async throws {}

    func shutdown() async throws { try await pool.shutdownAsync() }
}

struct KeptStatementsSource: ConnectionPoolSource {
    let source: PostgresConnectionSource

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<KeptStatementsConnection> {
        source.makeConnection(logger: logger, on: eventLoop).map(KeptStatementsConnection.init)
    }
}

/// One PostgreSQL connection and the names of the statements prepared on it.
/// Past `keptStatements` names, or after an error that may have left a statement
/// prepared wrongly (one that failed to prepare stays failed in PostgresNIO; one whose
/// result columns changed under it fails on the server), it retires: closed when released.
final class KeptStatementsConnection: ConnectionPoolItem, Sendable {
    let connection: PostgresConnection
    private let state = Mutex(State())
    static let keptStatements = 1_000

    private struct State {
        var prepared: Set<String> = []
        var retiring = false
    }

    init(_ connection: PostgresConnection) { self.connection = connection }

    var eventLoop: any EventLoop { connection.eventLoop }
    var isClosed: Bool { connection.isClosed }
    func close() -> EventLoopFuture<Void> { connection.close() }

    var retiring: Bool { state.withLock { $0.retiring } }

    /// Notes that `name` runs here; past the limit the connection retires after this session.
    func use(_ name: String) {
        state.withLock { state in
            if state.prepared.insert(name).inserted, state.prepared.count >= Self.keptStatements { state.retiring = true }
        }
    }

    func retire() { state.withLock { $0.retiring = true } }
}
