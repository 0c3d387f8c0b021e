import ArgumentParser
import CarteraCore
import CarteraStore
import CarteraWeb
import Foundation

/// `cartera export clients`: the portfolio as `.xlsx` or CSV, every column.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export data to spreadsheets.",
                                                    subcommands: [Clients.self])

    struct Clients: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export clients (archived included) to .xlsx or CSV.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "xlsx or csv.") var format = "xlsx"
        @Option(name: .shortAndLong, help: "The file to write.") var output: String
        @Option(help: "Quick search, as in the client list.") var search: String?
        @Option(help: "A list filter as in the page's address, e.g. f_city=Córdoba, type=3, cf_rubro=Ferretería, archived=active (repeatable).")
        var filter: [String] = []
        @Option(name: .customLong("as"), help: "Export what this user may see (default: every client).") var asUser: String?
        @Option(help: "Header language, es or en.") var language = "es"
        @Option(help: "Time zone for dates.") var timeZone = "America/Argentina/Buenos_Aires"
        @Flag(help: "CSV: comma instead of semicolon.") var comma = false
        @Flag(help: "CSV: no byte order mark.") var noBom = false
        @Option(help: "Folder with templates and translations (env CARTERA_RESOURCES).") var resources: String?

        func run() async throws {
            let resourcesURL = try ResourceLocator.locate(override: resources ?? ProcessInfo.processInfo.environment["CARTERA_RESOURCES"])
            let translator = try Translator(directory: resourcesURL.appendingPathComponent("locales"))
            guard let language = Language(rawValue: language), let zone = TimeZone(identifier: timeZone) else {
                throw CommandFailure("--language must be es or en and --time-zone an IANA zone")
            }
            try await withDatabase(db) { database in
                let stores = Stores(database: database)
                var scope = ClientScope.all
                if let asUser {
                    guard let user = try await stores.users.user(email: asUser), let viewer = try await stores.users.viewer(user.id) else {
                        throw CommandFailure("no active user \(asUser)")
                    }
                    scope = .of(viewer)
                }
                let started = Date()
                let request = ClientExportRequest(format: format, search: search, filters: filter, language: language, timeZone: zone,
                                                  separatorIsComma: comma, byteOrderMark: !noBom)
                let file: URL
                do {
                    file = try await request.run(stores: stores, translator: translator, scope: scope)
                } catch let failure as ValidationFailure {
                    throw CommandFailure("bad --format or --filter: "
                                         + failure.errors.map { ([$0.field] + $0.arguments).joined(separator: " ") }.joined(separator: ", "))
                }
                let destination = URL(fileURLWithPath: output)
                try? FileManager.default.removeItem(at: destination)
                try FileManager.default.moveItem(at: file, to: destination)
                say("Wrote \(output) in " + String(format: "%.1f s", Date().timeIntervalSince(started)))
            }
        }
    }
}
