import ArgumentParser
import CarteraStore
import Foundation
import Logging

/// Where the database is: `--database`, else `CARTERA_DATABASE_URL`, else `./cartera.sqlite`.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite:///abs/path.sqlite, sqlite://relative.sqlite, postgres://user:pass@host:port/db or postgres://user@/db?host=/socket/dir (env CARTERA_DATABASE_URL)")
    var database: String?

    var url: String {
        database ?? ProcessInfo.processInfo.environment["CARTERA_DATABASE_URL"] ?? "sqlite://cartera.sqlite"
    }

    /// Opens and migrates the database.
    func open(logger: Logger) async throws -> Database { try await openMigrated(url: url, logger: logger) }
}

/// Opens and migrates the database at `url`; closes it again if migrating fails.
func openMigrated(url: String, logger: Logger) async throws -> Database {
    let database = try Database.open(url: url, logger: logger, connections: try postgresConnections())
    do {
        try await Migrator(database: database).migrate()
    } catch {
        try? await database.shutdown()
        throw error
    }
    return database
}

/// `CARTERA_POSTGRES_CONNECTIONS`: how many PostgreSQL connections this process holds at most
/// (docs/operations.md); nil when unset.
func postgresConnections() throws -> Int? {
    guard let value = ProcessInfo.processInfo.environment["CARTERA_POSTGRES_CONNECTIONS"] else { return nil }
    guard let number = Int(value), (1...1_000).contains(number) else {
        throw CommandFailure("CARTERA_POSTGRES_CONNECTIONS must be a whole number from 1 to 1000, not '\(value)'")
    }
    return number
}

func makeLogger(_ label: String = "cartera") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["CARTERA_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}

/// Runs `body` with an open database and always closes it.
func withDatabase<R>(_ options: DatabaseOptions, logger: Logger = makeLogger(), _ body: (Database) async throws -> R) async throws -> R {
    try await withDatabase(url: options.url, logger: logger, body)
}

/// The same for a database named by its URL (commands that open two).
func withDatabase<R>(url: String, logger: Logger = makeLogger(), _ body: (Database) async throws -> R) async throws -> R {
    let database = try await openMigrated(url: url, logger: logger)
    do {
        let result = try await body(database)
        try await database.shutdown()
        return result
    } catch {
        try? await database.shutdown()
        throw error
    }
}

/// Errors the command line reports as one clear line.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Prints a line and flushes at once, so it shows up when output goes to a log.
func say(_ line: String) {
    print(line)
    fflush(nil)
}

/// A progress line on standard error, rewritten in place on a terminal and one
/// line each otherwise; `nil` ends it.
func progress(_ line: String?) {
    if let line {
        FileHandle.standardError.write(Data((onTerminal ? "\r\(line)\u{1B}[K" : "\(line)\n").utf8))
    } else if onTerminal {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

/// Whether standard error is a terminal (progress is then redrawn often, else printed now and then).
let onTerminal = isatty(STDERR_FILENO) != 0
