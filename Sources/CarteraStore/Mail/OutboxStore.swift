import CarteraCore
import Foundation
import SQLKit

/// A message to write to the outbox, in the transaction of what caused it.
public struct OutboxDraft: Sendable, Hashable {
    public struct Recipient: Sendable, Hashable, Codable {
        public let address: String
        public let name: String?
        public init(_ address: String, name: String? = nil) { self.address = address; self.name = name }
    }

    /// What it is about: `follow_up_reminder`, `receivable_notice`…
    public var kind: String
    /// One message per key, ever ("follow-up:12:1764650000000"): the database refuses a second.
    public var dedupeKey: String?
    /// Whose account sends it; nil: the company's.
    public var senderUserID: User.ID?
    public var recipients: [Recipient]
    public var subject: String
    public var text: String
    public var html: String?
    public var clientID: Client.ID?

    public init(kind: String, dedupeKey: String?, senderUserID: User.ID?, recipients: [Recipient], subject: String, text: String,
                html: String? = nil, clientID: Client.ID? = nil) {
        self.kind = kind; self.dedupeKey = dedupeKey; self.senderUserID = senderUserID; self.recipients = recipients
        self.subject = subject; self.text = text; self.html = html; self.clientID = clientID
    }
}

/// A message as the outbox holds it.
public struct OutboxMessage: Sendable, Hashable {
    public enum Status: String, Sendable, CaseIterable {
        /// Waiting for its next attempt.
        case pending
        /// Claimed by an instance that is handing it to the server.
        case sending
        /// Accepted by the mail server.
        case sent
        /// Given up: refused for good, or out of attempts. An admin may send it again.
        case failed
        /// Waiting for its sender's account to exist or work again.
        case held
    }

    public typealias ID = EntityID<OutboxMessage>
    public let id: ID
    public let kind: String
    public let senderUserID: User.ID?
    public let recipients: [OutboxDraft.Recipient]
    public let subject: String
    public let text: String
    public let html: String?
    public let messageID: String
    public let clientID: Client.ID?
    public let status: Status
    public let attempts: Int
    public let nextAttemptAt: Date
    public let lastError: String?
    public let sentAt: Date?
    public let sentFrom: String?
    public let createdAt: Date
}

/// The durable outbox: rows written with their cause, claimed one at a time by
/// the delivery job (a lease, and `SKIP LOCKED` on PostgreSQL, so two instances
/// never hold the same message), retried with growing waits, never sent twice
/// once the server has accepted it.
public struct OutboxStore: Sendable {
    let database: Database
    let clock: Clock

    /// Attempts before a message that keeps failing temporarily is marked failed.
    public static let maxAttempts = 8
    /// How long a claim lasts: a message whose instance died mid-send is tried again after it.
    public static let lease: TimeInterval = 600

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    /// Writes `draft` in the caller's transaction; nothing when its dedupe key was used before. Returns the new message's id.
    @discardableResult
    static func enqueue(_ session: Session, _ draft: OutboxDraft, at now: Date) async throws -> OutboxMessage.ID? {
        let recipients = String(decoding: try JSONEncoder().encode(draft.recipients), as: UTF8.self)
        let inserted = try await session.rows("""
            INSERT INTO outbox_messages (kind, dedupe_key, sender_user_id, recipients, subject, text_body, html_body, message_id, client_id,
                status, next_attempt_at, created_at, updated_at)
            VALUES (\(bind: draft.kind), \(bind: draft.dedupeKey), \(bind: draft.senderUserID?.rawValue), \(session.json(recipients)),
                \(bind: draft.subject), \(bind: draft.text), \(bind: draft.html), \(bind: UUID().uuidString.lowercased() + "@cartera"),
                \(bind: draft.clientID?.rawValue), 'pending', \(session.instant(now)), \(session.instant(now)), \(session.instant(now)))
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id
            """)
        return try inserted.first?.id("id")
    }

    /// Writes a message on its own (a test message, a resend by hand).
    public func enqueue(_ draft: OutboxDraft) async throws {
        let now = clock.now()
        _ = try await database.write { try await Self.enqueue($0, draft, at: now) }
    }

    /// Takes the next due message for this instance, or nil. Pending ones whose time has come, and
    /// "sending" ones whose claim ran out (the instance died before saying how it went).
    public func claimNext() async throws -> OutboxMessage? {
        let now = clock.now()
        return try await database.write { session in
            let lock: SQLQueryString = session.kind == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
            guard let row = try await session.first("""
                SELECT * FROM outbox_messages
                WHERE (status = 'pending' AND next_attempt_at <= \(session.instant(now)))
                   OR (status = 'sending' AND lease_until < \(session.instant(now)))
                ORDER BY next_attempt_at, id LIMIT 1 \(lock)
                """) else { return nil }
            let id: OutboxMessage.ID = try row.id("id")
            try await session.run("""
                UPDATE outbox_messages SET status = 'sending', attempts = attempts + 1,
                    lease_until = \(session.instant(now.addingTimeInterval(Self.lease))), updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            return try await Self.message(session, id)
        }
    }

    /// The server accepted it. Only a message this instance still holds is marked.
    public func markSent(_ id: OutboxMessage.ID, from address: String) async throws {
        let now = clock.now()
        try await database.write { session in
            try await session.run("""
                UPDATE outbox_messages SET status = 'sent', sent_at = \(session.instant(now)), sent_from = \(bind: address),
                    lease_until = NULL, last_error = NULL, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue) AND status = 'sending'
                """)
        }
    }

    /// A failed attempt: tried again later (waits growing from 1 minute to 6 hours) unless `permanent`
    /// or out of attempts, then marked failed with the reason.
    public func markFailed(_ id: OutboxMessage.ID, reason: String, permanent: Bool) async throws {
        let now = clock.now()
        try await database.write { session in
            guard let message = try await Self.message(session, id), message.status == .sending else { return }
            if permanent || message.attempts >= Self.maxAttempts {
                try await session.run("""
                    UPDATE outbox_messages SET status = 'failed', last_error = \(bind: reason), lease_until = NULL,
                        updated_at = \(session.instant(now)) WHERE id = \(bind: id.rawValue)
                    """)
            } else {
                let next = now.addingTimeInterval(Self.backoff(attempt: message.attempts))
                try await session.run("""
                    UPDATE outbox_messages SET status = 'pending', last_error = \(bind: reason), lease_until = NULL,
                        next_attempt_at = \(session.instant(next)), updated_at = \(session.instant(now)) WHERE id = \(bind: id.rawValue)
                    """)
            }
        }
    }

    /// The sender's account is missing or failing: the message waits, with the reason, until the account is saved.
    public func hold(_ id: OutboxMessage.ID, reason: String) async throws {
        let now = clock.now()
        try await database.write { session in
            try await session.run("""
                UPDATE outbox_messages SET status = 'held', last_error = \(bind: reason), lease_until = NULL,
                    attempts = attempts - 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue) AND status = 'sending'
                """)
        }
    }

    /// 1, 5, 15, 60 minutes, then 3 and 6 hours.
    static func backoff(attempt: Int) -> TimeInterval {
        let minutes = [1, 5, 15, 60, 180, 360]
        return Double(minutes[min(max(attempt, 1), minutes.count) - 1]) * 60
    }

    /// Messages held for `owner`'s account go out again (its account was saved).
    static func release(_ session: Session, _ owner: MailAccountOwner, at now: Date) async throws {
        let who: SQLQueryString = owner.userID.map { "sender_user_id = \(bind: $0.rawValue)" } ?? "TRUE"
        try await session.run("""
            UPDATE outbox_messages SET status = 'pending', next_attempt_at = \(session.instant(now)), updated_at = \(session.instant(now))
            WHERE status = 'held' AND \(who)
            """)
    }

    // MARK: What people see

    /// The admin's list (every message), or a user's (the messages their account sends), newest first.
    public func list(status: OutboxMessage.Status?, senderUserID: User.ID? = nil, by viewer: Viewer, limit: Int = 100,
                     offset: Int = 0) async throws -> [OutboxMessage] {
        guard viewer.can(.manageSettings) || senderUserID == viewer.id else { throw StoreError.forbidden }
        return try await database.read { session in
            var parts: [SQLQueryString] = ["TRUE"]
            if let status { parts.append("status = \(bind: status.rawValue)") }
            if let senderUserID { parts.append("sender_user_id = \(bind: senderUserID.rawValue)") }
            return try await session.rows("""
                SELECT * FROM outbox_messages WHERE \(parts.joined(separator: " AND "))
                ORDER BY created_at DESC, id DESC LIMIT \(literal: max(1, min(limit, 500))) OFFSET \(literal: max(0, offset))
                """).map(Self.message)
        }
    }

    public func counts(senderUserID: User.ID? = nil) async throws -> [OutboxMessage.Status: Int] {
        try await database.read { session in
            let filter: SQLQueryString = senderUserID.map { "WHERE sender_user_id = \(bind: $0.rawValue)" } ?? ""
            var out: [OutboxMessage.Status: Int] = [:]
            for row in try await session.rows("SELECT status, COUNT(*) AS n FROM outbox_messages \(filter) GROUP BY status") {
                if let status = OutboxMessage.Status(rawValue: try row.string("status")) { out[status] = Int(try row.int("n")) }
            }
            return out
        }
    }

    /// A failed or held message tried again now, with a fresh count of attempts (permission manage_settings).
    public func resend(_ id: OutboxMessage.ID, by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        let now = clock.now()
        try await database.write { session in
            guard let message = try await Self.message(session, id) else { throw StoreError.notFound }
            guard message.status == .failed || message.status == .held else { throw ValidationFailure([FieldError("status", "not_resendable")]) }
            try await session.run("""
                UPDATE outbox_messages SET status = 'pending', attempts = 0, next_attempt_at = \(session.instant(now)),
                    updated_at = \(session.instant(now)) WHERE id = \(bind: id.rawValue)
                """)
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "outbox_message", entityID: id.rawValue,
                                      clientID: message.clientID, action: "resend", changes: [])
        }
    }

    static func message(_ session: Session, _ id: OutboxMessage.ID) async throws -> OutboxMessage? {
        try await session.first("SELECT * FROM outbox_messages WHERE id = \(bind: id.rawValue)").map(message)
    }

    static func message(_ row: Row) throws -> OutboxMessage {
        OutboxMessage(id: try row.id("id"), kind: try row.string("kind"), senderUserID: try row.optID("sender_user_id"),
                      recipients: try row.json("recipients", as: [OutboxDraft.Recipient].self), subject: try row.string("subject"),
                      text: try row.string("text_body"), html: try row.optString("html_body"), messageID: try row.string("message_id"),
                      clientID: try row.optID("client_id"), status: OutboxMessage.Status(rawValue: try row.string("status")) ?? .failed,
                      attempts: Int(try row.int("attempts")), nextAttemptAt: try row.instant("next_attempt_at"),
                      lastError: try row.optString("last_error"), sentAt: try row.optInstant("sent_at"), sentFrom: try row.optString("sent_from"),
                      createdAt: try row.instant("created_at"))
    }
}
