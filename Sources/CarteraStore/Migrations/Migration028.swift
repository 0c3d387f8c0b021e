/// Speed at a million clients (issue 9): a quick search of a four- or five-letter
/// fragment ("pena", "ferre") made FTS5 merge the word lists of every word starting
/// with it: half the search page's CPU for "pena", 19 ms of SQLite for "ferre"
/// (68,000 matches). FTS5 keeps ready-merged lists for the prefix lengths it is
/// told; two and three letters had them, four to six now too (0.3 ms for "ferre").
/// Longer fragments match few words, whose lists merge quickly.
/// The word index is external-content (it reads `clients`), so it is rebuilt from
/// the table; its triggers name it and need no change. PostgreSQL searches a
/// stored tsvector (migration 024) and needs none.
enum Migration028 {
    static let migration = Migration(version: 28, name: "client_words_longer_prefixes") { kind in
        switch kind {
        case .sqlite: [
            "DROP TABLE client_words",
            """
            CREATE VIRTUAL TABLE client_words USING fts5(search_words, content='clients', content_rowid='id',
                tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6')
            """,
            "INSERT INTO client_words (client_words) VALUES ('rebuild')",
        ]
        case .postgres: []
        }
    }
}
