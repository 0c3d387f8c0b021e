import CarteraStore
import Logging
import ServiceLifecycle

/// Makes the orders of recurring rules up to the stores' horizon every
/// `interval`. Safe on several instances: each rule is materialised in its own
/// transaction holding the rule's row, and an occurrence has at most one order.
public struct RecurringOrderJob: Service {
    let rules: RecurringOrderStore
    let interval: Duration
    let logger: Logger

    public init(rules: RecurringOrderStore, interval: Duration = .seconds(3600), logger: Logger) {
        self.rules = rules
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let made = try await rules.materialiseDue()
                if made > 0 { logger.info("recurring work orders made", metadata: ["count": "\(made)"]) }
            } catch {
                logger.error("recurring work orders failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
