import CarteraCore
import Foundation
import SQLKit

/// A follow-up whose e-mail reminder time has come, with what its message needs.
public struct DueReminder: Sendable, Hashable {
    public let listing: FollowUpListing
    public let responsible: User
}

extension FollowUpStore {
    /// Writes a reminder message for each pending follow-up whose reminder time has come, in the
    /// same transaction that marks it reminded: a reminder is queued once per reminder time (moving
    /// the time asks for a new one). Several instances may run it: rows another holds are skipped
    /// on PostgreSQL, and the outbox's dedupe key refuses a second message anyway. Inactive
    /// responsibles get nothing. Returns the number of messages queued.
    @discardableResult
    public func queueDueReminders(limit: Int = 200, compose: @escaping @Sendable (DueReminder) -> OutboxDraft) async throws -> Int {
        let now = clock.now()
        return try await database.write { session in
            let lock: SQLQueryString = session.kind == .postgres ? "FOR UPDATE OF f SKIP LOCKED" : ""
            let rows = try await session.rows("""
                \(Self.select) WHERE f.remind_at IS NOT NULL AND f.reminded_at IS NULL AND f.remind_at <= \(session.instant(now))
                    AND f.status = 'pending'
                ORDER BY f.remind_at, f.id LIMIT \(literal: limit) \(lock)
                """)
            let due = try rows.map { (try Self.listing($0), try $0.instant("remind_at")) }
            let users = try await UserStore.users(session, where: "u.id IN \(session.inList(Set(due.map { $0.0.followUp.draft.responsibleID })))")
            var queued = 0
            for (listing, remindAt) in due {
                let f = listing.followUp
                if let responsible = users.first(where: { $0.id == f.draft.responsibleID }), responsible.active {
                    var draft = compose(DueReminder(listing: listing, responsible: responsible))
                    draft.dedupeKey = "follow-up:\(f.id):\(Int64(remindAt.timeIntervalSince1970 * 1000))"
                    if try await OutboxStore.enqueue(session, draft, at: now) != nil { queued += 1 }
                }
                try await session.run("UPDATE follow_ups SET reminded_at = \(session.instant(now)) WHERE id = \(bind: f.id.rawValue)")
            }
            return queued
        }
    }
}
