import SQLKit

extension Session {
    /// Runs `body` with one setting of this SQLite connection changed, put back to
    /// `original` afterwards. PostgreSQL runs `body` as it is.
    func withPragma<R>(_ name: String, _ value: String, restoring original: String,
                       _ body: () async throws -> R) async throws -> R {
        guard kind == .sqlite else { return try await body() }
        return try await changing("PRAGMA \(unsafeRaw: name) = \(unsafeRaw: value)",
                                  back: "PRAGMA \(unsafeRaw: name) = \(unsafeRaw: original)", body)
    }

    /// Runs `body` with one of PostgreSQL's planner settings changed on this connection,
    /// reset afterwards. A kept statement first planned inside keeps that plan on the
    /// connection. SQLite runs `body` as it is.
    func withPlannerSetting<R>(_ name: String, _ value: String, _ body: () async throws -> R) async throws -> R {
        guard kind == .postgres else { return try await body() }
        return try await changing("SET \(unsafeRaw: name) = \(unsafeRaw: value)", back: "RESET \(unsafeRaw: name)", body)
    }

    /// `body` between a statement that changes the connection and one that puts it back,
    /// whatever happens: the pool lends the connection on.
    private func changing<R>(_ change: SQLQueryString, back: SQLQueryString, _ body: () async throws -> R) async throws -> R {
        try await run(change)
        let result: Result<R, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        try await run(back)
        return try result.get()
    }
}
