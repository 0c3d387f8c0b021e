import CarteraCore
import Foundation
import SQLKit

/// An integration's `Idempotency-Key` for a create, with a hash of the request
/// body so a reused key with a different body is refused.
public struct IdempotencyKey: Sendable {
    public let key: String
    public let requestHash: String

    public init?(key: String?, body: Data) {
        guard let key = key?.trimmingCharacters(in: .whitespaces), !key.isEmpty, key.count <= 200 else { return nil }
        self.key = key
        requestHash = Secret.hash(String(decoding: body, as: UTF8.self))
    }

    /// Claims the key inside the create's transaction. Returns the id created
    /// earlier under it, or `nil` when this request is the first. A concurrent
    /// twin on PostgreSQL waits on the claimed row and then sees it.
    func claim(_ session: Session, userID: User.ID, entity: String) async throws -> Int64? {
        let claimed = try await session.rows("""
            INSERT INTO idempotency_keys (user_id, key, entity, request_hash, created_at)
            VALUES (\(bind: userID.rawValue), \(bind: key), \(bind: entity), \(bind: requestHash), \(session.instant(Date())))
            ON CONFLICT DO NOTHING RETURNING key
            """)
        guard claimed.isEmpty else { return nil }
        guard let row = try await session.first("""
            SELECT entity, entity_id, request_hash FROM idempotency_keys WHERE user_id = \(bind: userID.rawValue) AND key = \(bind: key)
            """), try row.string("request_hash") == requestHash, try row.string("entity") == entity,
              let id = try row.optInt("entity_id") else { throw StoreError.idempotencyKeyReused }
        return id
    }

    func complete(_ session: Session, userID: User.ID, entityID: Int64) async throws {
        try await session.run("""
            UPDATE idempotency_keys SET entity_id = \(bind: entityID) WHERE user_id = \(bind: userID.rawValue) AND key = \(bind: key)
            """)
    }
}
