import ArgumentParser
import CarteraStore
import Foundation

/// `cartera copy --from sqlite://… --to postgres://…`: the move from one SQLite
/// file to PostgreSQL (docs/operations.md). Stop the server first.
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy", abstract: "Copy a company from its SQLite database into a new, empty PostgreSQL database.")
    @Option(help: "The SQLite database, sqlite:///path.") var from: String
    @Option(help: "The PostgreSQL database, postgres://user:pass@host:port/db (created beforehand, empty).") var to: String

    func run() async throws {
        let started = Date()
        do {
            let rows = try await withDatabase(url: from) { source in
                try await withDatabase(url: to) { target in
                    try await DatabaseCopy(from: source, to: target).run { table, count in
                        if count > 0 { say("\(table): \(count)") }
                    }
                }
            }
            say("Copied \(rows) rows in " + String(format: "%.1f s", Date().timeIntervalSince(started)))
        } catch let error as DatabaseCopy.CopyError {
            throw CommandFailure(error.description)
        }
    }
}
