import ArgumentParser
import CarteraStore

/// `cartera migrate`: applies pending migrations and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let database = try Database.open(url: db.url, logger: makeLogger(), connections: try postgresConnections())
        do {
            let applied = try await Migrator(database: database).migrate()
            print(applied.isEmpty ? "Database is up to date." : "Applied migrations: \(applied.map(String.init).joined(separator: ", "))")
            try await database.shutdown()
        } catch {
            try? await database.shutdown()
            throw error
        }
    }
}
