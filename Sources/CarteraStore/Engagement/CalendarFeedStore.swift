import CarteraCore
import Foundation
import SQLKit

/// Each user's secret calendar address: the secret is shown once, stored
/// hashed; making a new one or revoking it kills the old address.
public struct CalendarFeedStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    /// A new secret for the user, replacing any earlier one.
    public func renew(for userID: User.ID) async throws -> String {
        let secret = Secret.generate()
        let now = clock.now()
        try await database.write { session in
            try await session.run("DELETE FROM calendar_feeds WHERE user_id = \(bind: userID.rawValue)")
            try await session.run("""
                INSERT INTO calendar_feeds (user_id, token_hash, created_at)
                VALUES (\(bind: userID.rawValue), \(bind: secret.hash), \(session.instant(now)))
                """)
            try await AuditLog.record(session, at: now, userID: userID, entity: "calendar_feed", entityID: userID.rawValue,
                                      clientID: nil, action: "renew", changes: [])
        }
        return "cf_" + secret.token
    }

    public func revoke(for userID: User.ID) async throws {
        try await database.write { session in
            try await session.run("DELETE FROM calendar_feeds WHERE user_id = \(bind: userID.rawValue)")
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "calendar_feed", entityID: userID.rawValue,
                                      clientID: nil, action: "revoke", changes: [])
        }
    }

    /// When the user's current address was made, if they have one.
    public func createdAt(for userID: User.ID) async throws -> Date? {
        try await database.read { session in
            try await session.first("SELECT created_at FROM calendar_feeds WHERE user_id = \(bind: userID.rawValue)")
                .map { try $0.instant("created_at") }
        }
    }

    /// The active user whose address this is, or nil.
    public func user(secret: String) async throws -> User.ID? {
        guard secret.hasPrefix("cf_") else { return nil }
        let hash = Secret.hash(String(secret.dropFirst(3)))
        return try await database.read { session in
            try await session.first("""
                SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id
                WHERE f.token_hash = \(bind: hash) AND u.active = \(session.literal(true))
                """).map { try $0.id("user_id") }
        }
    }
}
