/// Speed on PostgreSQL (issue 9): the clients' words kept as a stored tsvector.
/// The GIN index over the expression found the matches, but PostgreSQL then
/// computed `to_tsvector` again for every candidate row (the bitmap recheck, or
/// the filter while walking the primary key for "newest first"): 24–36 ms for a
/// search matching 2,700 of 100,000 clients. SQLite's FTS5 table is unaffected.
enum Migration024 {
    static let migration = Migration(version: 24, name: "client_search_vector") { kind in
        switch kind {
        case .sqlite: []
        case .postgres: [
            """
            ALTER TABLE clients ADD COLUMN search_vector tsvector
                GENERATED ALWAYS AS (to_tsvector('simple', search_words)) STORED
            """,
            "CREATE INDEX clients_search_vector ON clients USING GIN (search_vector)",
            "DROP INDEX clients_words",
        ]
        }
    }
}
