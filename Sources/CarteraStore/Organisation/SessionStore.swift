import CarteraCore
import Crypto
import Foundation
import SQLKit

/// A random secret shown once and stored only as its SHA-256 (DESIGN.md "Secrets").
public struct Secret: Sendable {
    /// What the client holds: 32 random bytes, base64url.
    public let token: String
    public var hash: String { Self.hash(token) }

    public static func generate() -> Secret {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Secret(token: Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: ""))
    }

    /// Lowercase hex of the SHA-256. Every signed-in request hashes its cookie or token:
    /// `String(format:)` per byte was an eighth of the cheapest signed-in request's CPU.
    public static func hash(_ token: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        let digest = SHA256.hash(data: Data(token.utf8))
        return String(unsafeUninitializedCapacity: SHA256.byteCount * 2) { buffer in
            var index = 0
            for byte in digest {
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }
}

/// A browser session: stored hashed, so several instances share it.
public struct WebSession: Sendable, Hashable {
    public let tokenHash: String
    public let userID: User.ID
    public let csrfSecret: String
}

/// Browser sessions, API tokens and login throttling.
public struct SessionStore: Sendable {
    let database: Database
    let clock: Clock
    private let touches = TouchesUnderWay()
    /// Idle expiry; the absolute expiry is `absoluteLifetime` after login.
    public var idleLifetime: TimeInterval = 8 * 3600
    public var absoluteLifetime: TimeInterval = 7 * 24 * 3600

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    /// Starts a session; returns the cookie value (shown once) and the session.
    public func start(userID: User.ID) async throws -> (token: String, session: WebSession) {
        let secret = Secret.generate()
        let csrf = Secret.generate().token
        let now = clock.now()
        try await database.write { session in
            try await session.run("""
                INSERT INTO sessions (token_hash, user_id, csrf_secret, created_at, last_seen_at, expires_at)
                VALUES (\(bind: secret.hash), \(bind: userID.rawValue), \(bind: csrf), \(session.instant(now)),
                        \(session.instant(now)), \(session.instant(now.addingTimeInterval(absoluteLifetime))))
                """)
        }
        return (secret.token, WebSession(tokenHash: secret.hash, userID: userID, csrfSecret: csrf))
    }

    /// The live session for a cookie value; touches its idle clock at most once a minute.
    public func resume(token: String) async throws -> WebSession? {
        let hash = Secret.hash(token)
        let now = clock.now()
        guard let row = try await database.read({ session in
            try await session.first("SELECT s.*, \(Database.catalogueGenerationColumn) FROM sessions s WHERE s.token_hash = \(bind: hash)")
        }) else { return nil }
        try database.noteCatalogueGeneration(row)
        let lastSeen = try row.instant("last_seen_at")
        if try row.instant("expires_at") < now || lastSeen.addingTimeInterval(idleLifetime) < now {
            try await end(tokenHash: hash)
            return nil
        }
        if now.timeIntervalSince(lastSeen) > 60 {
            try await touches.touch(hash) {
                try await database.write { session in
                    try await session.run("""
                        UPDATE sessions SET last_seen_at = \(session.instant(now))
                        WHERE token_hash = \(bind: hash) AND last_seen_at < \(session.instant(now.addingTimeInterval(-60)))
                        """)
                }
            }
        }
        return WebSession(tokenHash: hash, userID: try row.id("user_id"), csrfSecret: try row.string("csrf_secret"))
    }

    public func end(tokenHash: String) async throws {
        try await database.write { session in
            try await session.run("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)")
        }
    }

    /// Removes expired sessions, login failures and idempotency keys older than a
    /// day; returns how many sessions went.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        let now = clock.now()
        return try await database.write { session in
            let gone = try await session.rows("""
                DELETE FROM sessions WHERE expires_at < \(session.instant(now))
                    OR last_seen_at < \(session.instant(now.addingTimeInterval(-idleLifetime))) RETURNING token_hash
                """).count
            let dayAgo = now.addingTimeInterval(-86400)
            try await session.run("DELETE FROM login_failures WHERE at < \(session.instant(dayAgo))")
            try await session.run("DELETE FROM idempotency_keys WHERE created_at < \(session.instant(dayAgo))")
            return gone
        }
    }

    // MARK: Login throttling

    /// Seconds a login for this account or address must wait: grows with recent
    /// failures (1, 2, 4 … up to 60 s) and never locks anyone out for good.
    public func loginDelay(account: String, address: String) async throws -> TimeInterval {
        let now = clock.now()
        let since = now.addingTimeInterval(-15 * 60)
        return try await database.read { session in
            let account = account.lowercased()
            let rows = try await session.rows("""
                SELECT COUNT(*) AS n, MAX(at) AS last FROM login_failures WHERE account = \(bind: account) AND at > \(session.instant(since))
                UNION ALL
                SELECT COUNT(*) AS n, MAX(at) AS last FROM login_failures WHERE address = \(bind: address) AND at > \(session.instant(since))
                """)
            var wait: TimeInterval = 0
            for (index, row) in rows.enumerated() {
                let failures = Int(try row.int("n"))
                // An address gets more tries than an account: offices share one.
                let free = index == 0 ? 3 : 10
                guard failures >= free, let last = try row.optInstant("last") else { continue }
                let delay = min(60, pow(2, Double(failures - free)))
                wait = max(wait, last.addingTimeInterval(delay).timeIntervalSince(now))
            }
            return max(0, wait)
        }
    }

    public func recordLoginFailure(account: String, address: String) async throws {
        try await database.write { session in
            try await session.run("""
                INSERT INTO login_failures (account, address, at)
                VALUES (\(bind: account.lowercased()), \(bind: address), \(session.instant(clock.now())))
                """)
        }
    }

    public func clearLoginFailures(account: String) async throws {
        try await database.write { session in
            try await session.run("DELETE FROM login_failures WHERE account = \(bind: account.lowercased())")
        }
    }
}
