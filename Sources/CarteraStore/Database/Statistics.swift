import SQLKit

/// The query planner's statistics. Without them SQLite guesses that any
/// equality filter matches a handful of rows and sorts a quarter of a million
/// clients for a page of 50; with them it walks the sort's index and stops.
extension Database {
    /// After many rows changed at once (demo, spreadsheet import). SQLite samples
    /// each index (`analysis_limit`), so a million clients take about a second;
    /// PostgreSQL's ANALYZE samples anyway.
    public func refreshStatistics() async throws {
        try await read { session in
            if kind == .sqlite { try await session.run("PRAGMA analysis_limit = 1000") }
            try await session.run("ANALYZE")
        }
    }

    /// The periodic check: SQLite re-analyses only the tables that changed a
    /// lot since; PostgreSQL's autovacuum already does this.
    public func optimiseStatistics() async throws {
        guard kind == .sqlite else { return }
        try await read { try await $0.run("PRAGMA optimize") }
    }
}
