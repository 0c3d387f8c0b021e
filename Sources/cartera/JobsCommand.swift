import ArgumentParser
import CarteraStore
import Foundation

/// `cartera jobs run JOB`: one pass of a background job now, as `serve` runs
/// it on its schedule (for an operator after an outage, and for the benchmark).
/// Safe beside running servers: each job is safe on several instances at once.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "Run a background job once, now.",
                                                    subcommands: [Run.self])

    enum Job: String, ExpressibleByArgument, CaseIterable {
        case recurringOrders = "recurring-orders"
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "recurring-orders: make the orders of recurring rules up to the horizon.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "recurring-orders.") var job: Job
        @Option(help: "Recurring orders: days ahead to make orders for (as serve's).") var orderHorizonDays = 30

        func run() async throws {
            guard (1...366).contains(orderHorizonDays) else { throw ValidationError("--order-horizon-days must be between 1 and 366") }
            try await withDatabase(db) { database in
                let started = Date()
                let done: String
                switch job {
                case .recurringOrders:
                    let stores = Stores(database: database, orderHorizon: Double(orderHorizonDays) * 86_400)
                    done = "\(try await stores.recurringOrders.materialiseDue()) orders made"
                }
                say("\(done) in " + String(format: "%.1f s", Date().timeIntervalSince(started)))
            }
        }
    }
}
