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
        let logger = makeLogger()
        let source = try Database.open(url: from, logger: logger)
        let target: Database
        do { target = try Database.open(url: to, logger: logger) } catch { try? await source.shutdown(); throw error }
        let started = Date()
        do {
            let rows = try await DatabaseCopy(from: source, to: target).run { table, count in
                if count > 0 { say("\(table): \(count)") }
            }
            say("Copied \(rows) rows in " + String(format: "%.1f s", Date().timeIntervalSince(started)))
        } catch let error as DatabaseCopy.CopyError {
            try? await source.shutdown(); try? await target.shutdown()
            throw CommandFailure(error.description)
        } catch {
            try? await source.shutdown(); try? await target.shutdown()
            throw error
        }
        try await source.shutdown()
        try await target.shutdown()
    }
}
