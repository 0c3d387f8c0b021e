import CarteraCore
import Foundation

/// "Last visit" per client (DESIGN.md "What counts"): kept current by whatever
/// completes a presence at the client — a finished work order now, saved forms later.
enum Visits {
    /// Moves the client's last visit to `at` unless a later one is already recorded.
    static func record(_ session: Session, clientID: Client.ID, at: Date) async throws {
        try await session.run("""
            UPDATE clients SET last_visit_at = \(session.instant(at))
            WHERE id = \(bind: clientID.rawValue) AND (last_visit_at IS NULL OR last_visit_at < \(session.instant(at)))
            """)
    }
}
