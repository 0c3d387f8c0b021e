import CarteraStore
import Logging
import ServiceLifecycle

/// Removes expired sessions, old login failures and day-old import uploads
/// every `interval`. Safe on several instances at once: the deletes are
/// idempotent, so no lease is needed.
public struct SessionSweeper: Service {
    let sessions: SessionStore
    let uploads: ImportUploadStore
    let interval: Duration
    let logger: Logger

    public init(sessions: SessionStore, uploads: ImportUploadStore, interval: Duration = .seconds(900), logger: Logger) {
        self.sessions = sessions
        self.uploads = uploads
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let removed = try await sessions.purgeExpired()
                if removed > 0 { logger.info("expired sessions removed", metadata: ["count": "\(removed)"]) }
                try await uploads.purgeExpired()
            } catch {
                logger.error("session sweep failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
