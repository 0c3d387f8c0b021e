import ArgumentParser
import CarteraStore
import Foundation

/// `cartera backup --to FILE`: a consistent copy of a live SQLite database.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup",
                                                    abstract: "Copy a live SQLite database to a new file (PostgreSQL: use pg_dump).")
    @OptionGroup var db: DatabaseOptions
    @Option(name: .customLong("to"), help: "The new file to write.") var target: String

    func run() async throws {
        let database = try Database.open(url: db.url, logger: makeLogger())
        let started = Date()
        do {
            try await database.backup(to: target)
            try await database.shutdown()
        } catch let error as BackupError {
            try? await database.shutdown()
            throw CommandFailure(error.description)
        } catch {
            try? await database.shutdown()
            throw error
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
        print("Backup written to \(target) (\(size / 1024) KB) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s.")
    }
}
