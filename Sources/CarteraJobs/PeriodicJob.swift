import CarteraIO
import CarteraStore
import Foundation
import Logging
import ServiceLifecycle

/// Background work done every `interval` until shutdown: `work` returns how many
/// things it did (logged when some), and a failure is logged, never fatal. Every
/// job here is safe on several instances at once; each says why below.
public struct PeriodicJob: Service {
    let name: String
    let interval: Duration
    let logger: Logger
    let work: @Sendable () async throws -> Int

    public init(_ name: String, every interval: Duration, logger: Logger, work: @escaping @Sendable () async throws -> Int) {
        self.name = name; self.interval = interval; self.logger = logger; self.work = work
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let done = try await work()
                if done > 0 { logger.info("\(name)", metadata: ["count": "\(done)"]) }
            } catch {
                logger.error("\(name) failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

extension PeriodicJob {
    /// Expired sessions, old login failures, day-old import uploads and temporary sheets
    /// (`TemporarySheets`); the deletes are idempotent.
    public static func sessionSweeper(sessions: SessionStore, uploads: ImportUploadStore, interval: Duration = .seconds(900),
                                      logger: Logger) -> PeriodicJob {
        PeriodicJob("expired sessions removed", every: interval, logger: logger) {
            let removed = try await sessions.purgeExpired()
            try await uploads.purgeExpired()
            TemporarySheets.sweep(before: Date().addingTimeInterval(-86_400))
            return removed
        }
    }

    /// Orders of recurring rules up to the horizon: each rule in its own transaction holding its row,
    /// and an occurrence has at most one order.
    public static func recurringOrders(_ rules: RecurringOrderStore, interval: Duration = .seconds(3600), logger: Logger) -> PeriodicJob {
        PeriodicJob("recurring work orders made", every: interval, logger: logger) { try await rules.materialiseDue() }
    }

    /// Follow-up reminder e-mails whose time has come: once per reminder time (rows locked, dedupe keys).
    public static func followUpReminders(_ followUps: FollowUpStore, interval: Duration = .seconds(30), logger: Logger,
                                         compose: @escaping @Sendable (DueReminder) -> OutboxDraft) -> PeriodicJob {
        PeriodicJob("follow-up reminders queued", every: interval, logger: logger) { try await followUps.queueDueReminders(compose: compose) }
    }

    /// Receivables notices due today: a notice goes out on the first pass of its day, never twice
    /// (a primary key per invoice and concept).
    public static func receivableNotices(_ notices: NoticeStore, interval: Duration = .seconds(600), logger: Logger) -> PeriodicJob {
        PeriodicJob("receivable notices queued", every: interval, logger: logger) { try await notices.queueDue() }
    }

    /// What the outbox holds: every due message, then a pause; each message is claimed by one instance.
    public static func mailDelivery(_ delivery: MailDelivery, interval: Duration = .seconds(10), logger: Logger) -> PeriodicJob {
        PeriodicJob("mail messages handled", every: interval, logger: logger) {
            var handled = 0
            while !Task.isShuttingDownGracefully, try await delivery.deliverNext() { handled += 1 }
            return handled
        }
    }
}
