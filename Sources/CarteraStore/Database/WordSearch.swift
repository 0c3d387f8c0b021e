import CarteraCore
import SQLKit

/// Word-prefix search over a table's `search_words` column (normalised in Swift,
/// see `Normalization.searchKey`): an FTS5 table kept by triggers on SQLite, a
/// `simple` tsvector index on PostgreSQL. Used by records other than clients,
/// whose search also matches digits (ClientSQL) but writes its words the same way
/// (`ftsQuery`, `tsquery`).
enum WordSearch {
    /// The DDL of the index on `table`, with the FTS5 table named `fts`.
    static func index(table: String, fts: String, _ kind: DialectKind) -> [String] {
        switch kind {
        case .sqlite: [
            """
            CREATE VIRTUAL TABLE \(fts) USING fts5(search_words, content='\(table)', content_rowid='id',
                tokenize='unicode61 remove_diacritics 2', prefix='2 3')
            """,
            """
            CREATE TRIGGER \(table)_search_insert AFTER INSERT ON \(table) BEGIN
                INSERT INTO \(fts) (rowid, search_words) VALUES (new.id, new.search_words);
            END
            """,
            """
            CREATE TRIGGER \(table)_search_update AFTER UPDATE OF search_words ON \(table) BEGIN
                INSERT INTO \(fts) (\(fts), rowid, search_words) VALUES ('delete', old.id, old.search_words);
                INSERT INTO \(fts) (rowid, search_words) VALUES (new.id, new.search_words);
            END
            """,
            """
            CREATE TRIGGER \(table)_search_delete AFTER DELETE ON \(table) BEGIN
                INSERT INTO \(fts) (\(fts), rowid, search_words) VALUES ('delete', old.id, old.search_words);
            END
            """,
        ]
        case .postgres: ["CREATE INDEX \(table)_words ON \(table) USING GIN (to_tsvector('simple', search_words))"]
        }
    }

    /// Rows of `alias` (a row of the indexed table) whose words start with every one of `words`.
    static func match(_ session: Session, _ words: [String], alias: String, fts: String) -> SQLQueryString {
        switch session.kind {
        case .sqlite:
            return """
                \(unsafeRaw: alias).id IN (SELECT rowid FROM \(unsafeRaw: fts) WHERE \(unsafeRaw: fts) MATCH \(bind: ftsQuery(words)))
                """
        case .postgres:
            return """
                to_tsvector('simple', \(unsafeRaw: alias).search_words) @@ to_tsquery('simple', \(bind: tsquery(words)))
                """
        }
    }

    /// FTS5's query for rows with a word starting with each of `words`.
    static func ftsQuery(_ words: [String]) -> String {
        words.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    /// PostgreSQL's (`to_tsquery('simple', …)`) for rows with a word starting with each of `words`.
    static func tsquery(_ words: [String]) -> String {
        words.map { "\($0):*" }.joined(separator: " & ")
    }
}
