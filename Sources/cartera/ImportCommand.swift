import ArgumentParser
import CarteraCore
import CarteraIO
import CarteraStore
import CarteraWeb
import Foundation

/// `cartera import clients|contacts FILE`: creates and modifies records from .xlsx or CSV.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import data from spreadsheets.",
                                                    subcommands: [Clients.self, Contacts.self])

    /// What both imports take.
    struct Common: ParsableArguments {
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The .xlsx or .csv file.") var file: String
        @Flag(help: "Check and report; write nothing.") var dryRun = false
        @Flag(help: "Empty cells clear values instead of leaving them.") var emptyClears = false
        @Option(name: .customLong("as"), help: "The user the import runs as (its permissions, scope and audit).") var asUser: String
        @Option(help: "Language of the report, es or en.") var language = "es"
        @Option(help: "Folder with templates and translations (env CARTERA_RESOURCES).") var resources: String?

        func run(_ entity: ImportRequest.Entity, updateBy: ClientImportOptions.UpdateBy) async throws {
            let language = Language(rawValue: language) ?? .es
            let resourcesURL = try ResourceLocator.locate(override: resources ?? ProcessInfo.processInfo.environment["CARTERA_RESOURCES"])
            let translator = try Translator(directory: resourcesURL.appendingPathComponent("locales"))
            let report = try await withDatabase(db) { database in
                let stores = Stores(database: database)
                guard let user = try await stores.users.user(email: asUser), let viewer = try await stores.users.viewer(user.id) else {
                    throw CommandFailure("no active user \(asUser)")
                }
                let url = URL(fileURLWithPath: file)
                let request = ImportRequest(
                    file: url, options: ClientImportOptions(updateBy: updateBy, emptyClears: emptyClears, dryRun: dryRun,
                                                            fileName: url.lastPathComponent),
                    entity: entity)
                do {
                    let started = Date()
                    let outcome = try await request.run(stores: stores, translator: translator, viewer: viewer) { rows, share in
                        guard onTerminal || rows % 5_000 == 0 else { return }
                        progress(translator.text(dryRun ? "import_progress" : "import_progress_saving", language, [
                            "rows": String(rows), "percent": String(Int(share * 100))]))
                    }
                    progress(nil)
                    request.lines(outcome, translator: translator, language: language).forEach(say)
                    say(String(format: "%.1f s", Date().timeIntervalSince(started)))
                    return outcome.report
                } catch let error as SheetReadError {
                    throw CommandFailure(translator.text(error.code, language))
                }
            }
            if report.errorCount > 0 { throw ExitCode(2) }
        }
    }

    struct Clients: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import or modify clients from .xlsx or CSV: all or nothing, checked first with --dry-run.")
        @OptionGroup var common: Common
        @Option(help: "Match existing clients by number or taxid.") var updateBy = "number"

        func run() async throws {
            guard let updateBy = ClientImportOptions.UpdateBy(rawValue: updateBy) else {
                throw CommandFailure("--update-by must be number or taxid")
            }
            try await common.run(.clients, updateBy: updateBy)
        }
    }

    struct Contacts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import or modify contacts: a row with a contact key changes it, others join the client of their number.")
        @OptionGroup var common: Common

        func run() async throws { try await common.run(.contacts, updateBy: .number) }
    }
}
