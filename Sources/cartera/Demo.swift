import ArgumentParser
import CarteraStore
import CarteraWeb
import Foundation

/// `cartera demo`: writes the demo company into an empty database (also used by benchmarks).
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a realistic demo company into an empty database.")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "How many clients.") var clients = 2000

    func run() async throws {
        guard clients >= 0 else { throw ValidationError("--clients must be 0 or more") }
        try await withDatabase(db) { database in
            let (email, password) = try await DemoSetup.ensure(stores: Stores(database: database), clients: clients)
            print("Demo admin login: \(email)  password: \(password)")
        }
    }
}
