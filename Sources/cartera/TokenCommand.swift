import ArgumentParser
import CarteraStore

/// `cartera token create`: an API token for a user, printed once.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API token for a user.")
        @OptionGroup var db: DatabaseOptions
        @Option var email: String
        @Option var name = "CLI"

        func run() async throws {
            try await withDatabase(db) { database in
                let stores = Stores(database: database)
                guard let user = try await stores.users.user(email: email), user.active else {
                    throw CommandFailure("no active user \(email)")
                }
                let (_, token) = try await stores.tokens.create(userID: user.id, name: name)
                print(token)
            }
        }
    }
}
