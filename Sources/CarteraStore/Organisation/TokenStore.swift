import CarteraCore
import Foundation
import SQLKit

/// An API token as listed (the secret itself is never stored).
public struct APIToken: Sendable, Hashable {
    public typealias ID = EntityID<APIToken>
    public let id: ID
    public let userID: User.ID
    public let name: String
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?
}

/// Bearer tokens for integrations: per user, hashed at rest, revocable.
public struct TokenStore: Sendable {
    let database: Database
    let clock: Clock
    private let touches = TouchesUnderWay()

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    /// Creates a token; the returned secret is shown once.
    public func create(userID: User.ID, name: String?) async throws -> (APIToken.ID, String) {
        var v = Validator()
        let name = v.text("name", name, maxLength: 80) ?? "API"
        try v.check()
        let secret = Secret.generate()
        let now = clock.now()
        let id: APIToken.ID = try await database.write { session in
            let id: APIToken.ID = try await session.first("""
                INSERT INTO api_tokens (user_id, name, token_hash, created_at)
                VALUES (\(bind: userID.rawValue), \(bind: name), \(bind: secret.hash), \(session.instant(now))) RETURNING id
                """)!.id("id")
            try await AuditLog.record(session, at: now, userID: userID, entity: "api_token", entityID: id.rawValue,
                                      clientID: nil, action: "create", changes: [AuditChange(field: "name", before: nil, after: name)])
            return id
        }
        return (id, "ct_" + secret.token)
    }

    /// The user of a live token, or `nil`.
    public func authenticate(_ bearer: String) async throws -> User.ID? {
        guard bearer.hasPrefix("ct_") else { return nil }
        let hash = Secret.hash(String(bearer.dropFirst(3)))
        guard let row = try await database.read({ session in
            try await session.first("""
                SELECT id, user_id, last_used_at, \(Database.catalogueGenerationColumn) FROM api_tokens
                WHERE token_hash = \(bind: hash) AND revoked_at IS NULL
                """)
        }) else { return nil }
        try database.noteCatalogueGeneration(row)
        let now = clock.now()
        // Write "last used" at most once an hour: a busy integration should not write on every call.
        if (try row.optInstant("last_used_at")).map({ now.timeIntervalSince($0) > 3600 }) ?? true {
            let id = try row.int("id")
            try await touches.touch(hash) {
                try await database.write { session in
                    try await session.run("""
                        UPDATE api_tokens SET last_used_at = \(session.instant(now)) WHERE id = \(bind: id)
                        AND (last_used_at IS NULL OR last_used_at < \(session.instant(now.addingTimeInterval(-3600))))
                        """)
                }
            }
        }
        return try row.id("user_id")
    }

    public func list(userID: User.ID) async throws -> [APIToken] {
        try await database.read { session in
            try await session.rows("SELECT * FROM api_tokens WHERE user_id = \(bind: userID.rawValue) ORDER BY id DESC").map { row in
                APIToken(id: try row.id("id"), userID: try row.id("user_id"), name: try row.string("name"),
                         createdAt: try row.instant("created_at"), lastUsedAt: try row.optInstant("last_used_at"),
                         revokedAt: try row.optInstant("revoked_at"))
            }
        }
    }

    /// Revokes one of the user's own tokens.
    public func revoke(_ id: APIToken.ID, userID: User.ID) async throws {
        try await database.write { session in
            let now = clock.now()
            let done = try await session.rows("""
                UPDATE api_tokens SET revoked_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue) AND user_id = \(bind: userID.rawValue) AND revoked_at IS NULL RETURNING id
                """)
            guard !done.isEmpty else { throw StoreError.notFound }
            try await AuditLog.record(session, at: now, userID: userID, entity: "api_token", entityID: id.rawValue,
                                      clientID: nil, action: "revoke", changes: [])
        }
    }
}
