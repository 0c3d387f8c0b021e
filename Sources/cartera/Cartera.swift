import ArgumentParser

/// The `cartera` command: serve, migrate, user, token, demo, export, import, backup, jobs, copy.
struct Cartera: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cartera",
        abstract: "Cartera: CRM and field service for small and mid-size companies.",
        subcommands: [Serve.self, Migrate.self, UserCommand.self, TokenCommand.self, Demo.self, ExportCommand.self, ImportCommand.self,
                      BackupCommand.self, JobsCommand.self, CopyCommand.self])
}
