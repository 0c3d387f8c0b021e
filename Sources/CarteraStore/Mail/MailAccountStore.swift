import CarteraCore
import Foundation
import SQLKit

/// How the delivery job reaches a mail server: an account with its password opened.
public struct MailCredentials: Sendable, Hashable {
    public let owner: MailAccountOwner
    public let host: String
    public let port: Int
    public let security: MailAccount.Security
    public let username: String?
    public let password: String?
    public let fromName: String?
    public let fromAddress: String
    /// Set after the server refused its login; cleared when the account is saved again.
    public let failingReason: String?
    /// A password was saved but cannot be opened with the configured key (the secret changed).
    public let passwordUnreadable: Bool
}

/// The company's mail account and each user's own. Passwords are sealed with
/// the configured key and never read back to a page; saving an account lets
/// the messages held for it go out.
public struct MailAccountStore: Sendable {
    let database: Database
    let clock: Clock
    let key: SealingKey?

    public init(database: Database, clock: Clock, key: SealingKey?) { self.database = database; self.clock = clock; self.key = key }

    /// Company accounts need `manage_settings`; a user's own account is theirs to write.
    static func mayWrite(_ owner: MailAccountOwner, _ viewer: Viewer) -> Bool {
        switch owner {
        case .company: viewer.can(.manageSettings)
        case .user(let id): id == viewer.id || viewer.can(.manageSettings)
        }
    }

    public func account(_ owner: MailAccountOwner) async throws -> MailAccount? {
        try await database.read { try await Self.account($0, owner) }
    }

    /// Creates or replaces the owner's account; a nil password keeps the stored one.
    /// `expectedVersion` nil: the page believed there was none yet.
    @discardableResult
    public func save(_ owner: MailAccountOwner, _ draft: MailAccountDraft, expectedVersion: Int64?, by viewer: Viewer) async throws -> MailAccount {
        guard Self.mayWrite(owner, viewer) else { throw StoreError.forbidden }
        let draft = try draft.validated()
        var sealed: String?
        if let password = draft.password, !password.isEmpty {
            guard let key else { throw ValidationFailure([FieldError("password", "no_secret_key")]) }
            sealed = try key.seal(password)
        }
        let now = clock.now()
        return try await database.write { session in
            let before = try await Self.account(session, owner)
            guard before?.version == expectedVersion else { throw StoreError.versionConflict(current: before?.version ?? 0) }
            let d = draft
            if before == nil {
                try await session.run("""
                    INSERT INTO mail_accounts (account_key, user_id, host, port, security, username, password_sealed, from_name, from_address,
                        updated_at)
                    VALUES (\(bind: owner.key), \(bind: owner.userID?.rawValue), \(bind: d.host), \(bind: d.port), \(bind: d.security.rawValue),
                        \(bind: d.username), \(bind: sealed), \(bind: d.fromName), \(bind: d.fromAddress), \(session.instant(now)))
                    """)
            } else {
                let password: SQLQueryString = sealed.map { "\(bind: $0)" } ?? "password_sealed"
                try await session.run("""
                    UPDATE mail_accounts SET host = \(bind: d.host), port = \(bind: d.port), security = \(bind: d.security.rawValue),
                        username = \(bind: d.username), password_sealed = \(password), from_name = \(bind: d.fromName),
                        from_address = \(bind: d.fromAddress), failing_reason = NULL, version = version + 1, updated_at = \(session.instant(now))
                    WHERE account_key = \(bind: owner.key)
                    """)
            }
            try await OutboxStore.release(session, owner, at: now)
            var changes = AuditLog.diff(before.map { Self.flatten($0.draft) } ?? [:], Self.flatten(d))
            if sealed != nil { changes.append(AuditChange(field: "password", before: nil, after: "••••")) }
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "mail_account", entityID: owner.userID?.rawValue ?? 0,
                                      clientID: nil, action: before == nil ? "create" : "update", changes: changes)
            return try await Self.account(session, owner)!
        }
    }

    /// The account with its password opened, for sending.
    public func credentials(_ owner: MailAccountOwner) async throws -> MailCredentials? {
        try await database.read { session in
            guard let row = try await session.first("SELECT * FROM mail_accounts WHERE account_key = \(bind: owner.key)") else { return nil }
            let sealed = try row.optString("password_sealed")
            let password = sealed.flatMap { key?.open($0) }
            return MailCredentials(owner: owner, host: try row.string("host"), port: Int(try row.int("port")),
                                   security: MailAccount.Security(rawValue: try row.string("security")) ?? .starttls,
                                   username: try row.optString("username"), password: password,
                                   fromName: try row.optString("from_name"), fromAddress: try row.string("from_address"),
                                   failingReason: try row.optString("failing_reason"), passwordUnreadable: sealed != nil && password == nil)
        }
    }

    /// Marks the account as failing (a refused login): its messages wait until someone saves it again.
    public func markFailing(_ owner: MailAccountOwner, reason: String) async throws {
        try await database.write { session in
            try await session.run("UPDATE mail_accounts SET failing_reason = \(bind: reason) WHERE account_key = \(bind: owner.key)")
        }
    }

    /// "Send failed notices from the company's account when a collector's is missing or failing" (company settings).
    public func fallsBackToCompany() async throws -> Bool {
        try await database.read { try await $0.first("SELECT mail_fallback_to_company FROM company")?.bool("mail_fallback_to_company") ?? false }
    }

    public func setFallback(_ on: Bool, by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        let now = clock.now()
        try await database.write { session in
            try await session.run("UPDATE company SET mail_fallback_to_company = \(bind: on)")
            // Messages held for a missing or failing collector account can go now.
            if on { try await session.run("""
                UPDATE outbox_messages SET status = 'pending', next_attempt_at = \(session.instant(now)), updated_at = \(session.instant(now))
                WHERE status = 'held' AND sender_user_id IS NOT NULL
                """) }
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "company", entityID: 1, clientID: nil, action: "update",
                                      changes: [AuditChange(field: "mailFallbackToCompany", before: nil, after: "\(on)")])
        }
    }

    static func account(_ session: Session, _ owner: MailAccountOwner) async throws -> MailAccount? {
        guard let row = try await session.first("SELECT * FROM mail_accounts WHERE account_key = \(bind: owner.key)") else { return nil }
        let draft = MailAccountDraft(host: try row.string("host"), port: Int(try row.int("port")),
                                     security: MailAccount.Security(rawValue: try row.string("security")) ?? .starttls,
                                     username: try row.optString("username"), fromName: try row.optString("from_name"),
                                     fromAddress: try row.string("from_address"))
        return MailAccount(owner: owner, draft: draft, hasPassword: try row.optString("password_sealed") != nil,
                           failingReason: try row.optString("failing_reason"), version: try row.int("version"))
    }

    static func flatten(_ d: MailAccountDraft) -> [String: String] {
        var out = ["host": d.host, "port": String(d.port), "security": d.security.rawValue, "fromAddress": d.fromAddress]
        out["username"] = d.username
        out["fromName"] = d.fromName
        return out
    }
}
