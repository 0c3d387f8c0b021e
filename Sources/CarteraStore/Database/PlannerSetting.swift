import SQLKit

extension Session {
    /// Runs `body` with one of PostgreSQL's planner settings changed on this connection,
    /// reset afterwards whatever happens: the pool lends the connection on. A kept
    /// statement first planned inside keeps that plan on the connection. SQLite runs
    /// `body` as it is.
    func withPlannerSetting<R>(_ name: String, _ value: String, _ body: () async throws -> R) async throws -> R {
        guard kind == .postgres else { return try await body() }
        try await run("SET \(unsafeRaw: name) = \(unsafeRaw: value)")
        let result: Result<R, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        try await run("RESET \(unsafeRaw: name)")
        return try result.get()
    }
}
