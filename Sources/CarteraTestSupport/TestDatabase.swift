import CarteraCore
import CarteraStore
import Foundation
import Logging

/// A fresh, migrated database per test: SQLite in a temporary file, or — when
/// `CARTERA_TEST_POSTGRES_URL` names a server — a new PostgreSQL database,
/// dropped afterwards. The same test code runs on both.
public enum TestDatabase {
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["CARTERA_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var kindName: String { postgresURL == nil ? "sqlite" : "postgres" }

    /// Runs `body` with a migrated, empty database and removes it afterwards.
    public static func with<R>(_ body: (Database) async throws -> R) async throws -> R {
        try await withURL { database, _ in try await body(database) }
    }

    /// The same, with the database's URL, for tests that open it a second time (another instance).
    public static func withURL<R>(_ body: (Database, String) async throws -> R) async throws -> R {
        var logger = Logger(label: "cartera.test")
        logger.logLevel = .warning
        let name = "cartera_test_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        let database: Database
        let url: String
        var cleanup: () async throws -> Void
        if let adminURL = postgresURL {
            try await administer(adminURL, "CREATE DATABASE \(name)", logger: logger)
            url = replacingDatabase(in: adminURL, with: name)
            database = try Database.open(url: url, logger: logger)
            cleanup = {
                try await database.shutdown()
                try await administer(adminURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)", logger: logger)
            }
        } else {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).sqlite").path
            url = "sqlite://\(path)"
            database = try Database.open(url: url, logger: logger)
            cleanup = {
                try await database.shutdown()
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        }
        do {
            try await Migrator(database: database).migrate()
            let result = try await body(database, url)
            try await cleanup()
            return result
        } catch {
            try? await cleanup()
            throw error
        }
    }

    /// One statement on the server's own database, on a connection closed right after:
    /// tests run in parallel, and an administrative connection kept for each test's whole
    /// run was a third of the server's connections.
    private static func administer(_ url: String, _ statement: String, logger: Logger) async throws {
        let admin = try Database.open(url: url, logger: logger)
        do {
            try await admin.execute(unsafe: statement)
            try await admin.shutdown()
        } catch {
            try? await admin.shutdown()
            throw error
        }
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + name
        return components.string ?? url
    }
}
