import CarteraStore
import Logging
import ServiceLifecycle

/// Sends what the outbox holds: every due message, then a pause of `idle`.
/// Safe on several instances (each message is claimed by one).
public struct MailDeliveryJob: Service {
    let delivery: MailDelivery
    let idle: Duration
    let logger: Logger

    public init(delivery: MailDelivery, idle: Duration = .seconds(10), logger: Logger) {
        self.delivery = delivery; self.idle = idle; self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                while !Task.isShuttingDownGracefully, try await delivery.deliverNext() {}
            } catch {
                logger.error("mail delivery failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: idle) }
        }
    }
}

/// Queues follow-up reminder e-mails whose time has come, every `interval`.
public struct FollowUpReminderJob: Service {
    let followUps: FollowUpStore
    let compose: @Sendable (DueReminder) -> OutboxDraft
    let interval: Duration
    let logger: Logger

    public init(followUps: FollowUpStore, interval: Duration = .seconds(30), logger: Logger,
                compose: @escaping @Sendable (DueReminder) -> OutboxDraft) {
        self.followUps = followUps; self.compose = compose; self.interval = interval; self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let queued = try await followUps.queueDueReminders(compose: compose)
                if queued > 0 { logger.info("follow-up reminders queued", metadata: ["count": "\(queued)"]) }
            } catch {
                logger.error("follow-up reminders failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

/// Writes the receivables notices due today, every `interval`: a notice goes out on
/// the first pass of its day, and the store never writes one twice.
public struct ReceivableNoticeJob: Service {
    let notices: NoticeStore
    let interval: Duration
    let logger: Logger

    public init(notices: NoticeStore, interval: Duration = .seconds(3600), logger: Logger) {
        self.notices = notices; self.interval = interval; self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let queued = try await notices.queueDue()
                if queued > 0 { logger.info("receivable notices queued", metadata: ["count": "\(queued)"]) }
            } catch {
                logger.error("receivable notices failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
