import Foundation
@testable import CarteraStore
import CarteraTestSupport
import Logging
import NIOCore
import PostgresKit
import Testing

/// How Cartera reaches PostgreSQL: how many connections a process holds, and the socket form of the URL.
struct PostgresConnectionsTests {
    @Test("a socket URL names the server's socket in its directory, with user, password and database")
    func socketURL() throws {
        let configuration = try PostgresURL.configuration("postgres://ana:clave@/cartera?host=/run/postgresql&port=5433")
        #expect(configuration.coreConfiguration.unixSocketPath == "/run/postgresql/.s.PGSQL.5433")
        #expect(configuration.coreConfiguration.username == "ana")
        #expect(configuration.coreConfiguration.password == "clave")
        #expect(configuration.coreConfiguration.database == "cartera")
        let defaults = try PostgresURL.configuration("postgres://ana@/cartera?host=/run/postgresql")
        #expect(defaults.coreConfiguration.unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(defaults.coreConfiguration.password == nil)
        let network = try PostgresURL.configuration("postgres://ana:clave@db.example:6543/cartera")
        #expect(network.coreConfiguration.host == "db.example" && network.coreConfiguration.port == 6543)
        #expect(network.coreConfiguration.unixSocketPath == nil)
        #expect(!network.coreConfiguration.tls.isAllowed)
    }

    @Test("a socket URL without a user, with a host besides the directory or a port that is no number is refused",
          arguments: ["postgres:///cartera?host=/run/postgresql", "postgres://ana@db.example/cartera?host=/run/postgresql",
                      "postgres://ana@/cartera?host=/run/postgresql&port=cinco"])
    func badSocketURL(url: String) {
        #expect(throws: DatabaseLocation.InvalidURL.self) { try PostgresURL.configuration(url) }
    }

    @Test("a process holds two connections a core unless given a number, rounded up to a multiple of its cores",
          .enabled(if: TestDatabase.postgresURL != nil, "needs CARTERA_TEST_POSTGRES_URL"))
    func connectionsHeld() async throws {
        let loops = NIOSingletons.groupLoopCountSuggestion
        try await TestDatabase.withURL { db, url in
            #expect(db.pool.capacity == 2 * loops)
            let one = try Database.open(url: url, logger: Logger(label: "test"), connections: 1)
            let odd = try Database.open(url: url, logger: Logger(label: "test"), connections: loops + 1)
            #expect(one.pool.capacity == loops)
            #expect(odd.pool.capacity == 2 * loops)
            // Three times as many reads at once as it may hold: they share its connections.
            let backends = try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<(3 * loops) {
                    group.addTask {
                        try await one.read { try await $0.first("SELECT pg_backend_pid() AS pid, pg_sleep(0.05) AS slept")!.int("pid") }
                    }
                }
                return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
            }
            #expect(backends.count <= loops)
            try await one.shutdown()
            try await odd.shutdown()
        }
    }

    @Test("a database is reached through the server's socket when its URL names the socket's directory",
          .enabled(if: TestDatabase.postgresURL != nil && ProcessInfo.processInfo.environment["CARTERA_TEST_POSTGRES_SOCKETS"] != nil,
                   "needs CARTERA_TEST_POSTGRES_URL and CARTERA_TEST_POSTGRES_SOCKETS"))
    func throughSocket() async throws {
        let directory = ProcessInfo.processInfo.environment["CARTERA_TEST_POSTGRES_SOCKETS"]!
        try await TestDatabase.withURL { db, url in
            try await db.write { session in
                try await session.run("CREATE TABLE socket_probe (id INTEGER PRIMARY KEY)")
                try await session.run("INSERT INTO socket_probe (id) VALUES (7)")
            }
            let parts = try #require(URLComponents(string: url))
            let socketURL = "postgres://\(parts.user ?? "")@\(parts.path)?host=\(directory)&port=\(parts.port ?? 5432)"
            let local = try Database.open(url: socketURL, logger: Logger(label: "test"))
            let (viaSocket, probe) = try await local.read { session in
                (try await session.first("SELECT inet_client_addr() IS NULL AS local")!.bool("local"),
                 try await session.first("SELECT id FROM socket_probe")!.int("id"))
            }
            try await local.shutdown()
            #expect(viaSocket)
            #expect(probe == 7)
        }
    }
}
