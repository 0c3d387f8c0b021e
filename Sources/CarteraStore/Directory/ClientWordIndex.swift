import SQLKit

/// SQLite's word index of clients is two FTS5 tables (migration 031): `client_words`
/// holds active clients, `archived_client_words` archived ones, so a search of active
/// clients never meets an archived one. This is the one place that knows the split:
/// which tables a list's archived choice reads, and how a bulk load refills them.
enum ClientWordIndex {
    static let active = "client_words"
    static let archived = "archived_client_words"

    static func tables(_ choice: ClientQuery.Archived) -> [String] {
        switch choice {
        case .active: [active]
        case .archived: [archived]
        case .all: [active, archived]
        }
    }

    /// The ids (column `id`, alias `w`) of the clients of `choice` whose words match
    /// `pattern` (FTS5 syntax) among those `predicate` keeps (over alias `c`; `nil` when
    /// it would test nothing but the archived choice, which the tables answer alone).
    /// Each table's matches are tested as FTS5 hands them, so a query reading them in
    /// rowid order stops at its page; two tables are merged in that order (UNION ALL).
    static func ids(_ choice: ClientQuery.Archived, matching pattern: String, where predicate: SQLQueryString?) -> SQLQueryString {
        let arms = tables(choice).map { table -> SQLQueryString in
            guard let predicate else {
                return "SELECT rowid AS id FROM \(unsafeRaw: table) WHERE \(unsafeRaw: table) MATCH \(bind: pattern)"
            }
            return """
                SELECT \(unsafeRaw: table).rowid AS id FROM \(unsafeRaw: table) JOIN clients c ON c.id = \(unsafeRaw: table).rowid
                WHERE \(unsafeRaw: table) MATCH \(bind: pattern) AND (\(predicate))
                """
        }
        return "(\(arms.joined(separator: " UNION ALL "))) w"
    }

    /// `id, rank` of the clients of `choice` whose words match `pattern`, ranked by
    /// bm25 within their own table (lower is better).
    static func ranked(_ choice: ClientQuery.Archived, matching pattern: String) -> SQLQueryString {
        tables(choice).map { table -> SQLQueryString in
            """
            SELECT rowid AS id, bm25(\(unsafeRaw: table)) AS rank FROM \(unsafeRaw: table) WHERE \(unsafeRaw: table) MATCH \(bind: pattern)
            """
        }.joined(separator: " UNION ALL ")
    }

    /// The FTS5 tables the clients' triggers keep: words of active and of archived clients,
    /// phone digits.
    static let searchTables = [active, archived, "client_digits"]

    /// FTS5's own `automerge` (`FTS5_DEFAULT_AUTOMERGE`); the setting is kept in each table.
    static let defaultAutomerge = 4

    /// Runs `body`, an import's writes in its transaction, with FTS5's incremental merging off.
    /// Each multi-row statement that writes clients flushes their pending words into a new
    /// segment, and after each flush FTS5 merged work in proportion to the index's levels:
    /// a fifth of SQLite's thread in an import into a million clients. Held back, the new
    /// segments still merge among themselves (`crisismerge`, every sixteen), and the setting
    /// is back before the transaction commits. If `body` fails the transaction rolls back,
    /// and the setting with it.
    static func holdingMerges<R>(_ session: Session, _ body: () async throws -> R) async throws -> R {
        guard session.kind == .sqlite else { return try await body() }
        for table in searchTables { try await session.setSearchOption(table, "automerge", 0) }
        let result = try await body()
        for table in searchTables { try await session.setSearchOption(table, "automerge", defaultAutomerge) }
        return result
    }

    /// How a bulk load fills each table again from `clients`, its triggers having been
    /// dropped: FTS5's `rebuild` would read every client into both.
    static let refills: [String: [String]] = [
        active: [
            "INSERT INTO client_words (client_words) VALUES ('delete-all')",
            "INSERT INTO client_words (rowid, search_words) SELECT id, search_words FROM clients WHERE archived = 0",
        ],
        archived: [
            "INSERT INTO archived_client_words (archived_client_words) VALUES ('delete-all')",
            "INSERT INTO archived_client_words (rowid, search_words) SELECT id, search_words FROM clients WHERE archived = 1",
        ],
    ]
}
