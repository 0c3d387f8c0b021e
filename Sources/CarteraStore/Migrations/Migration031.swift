/// Speed at a million clients (issue 9): the quick search read one word index of every
/// client and tested `archived` on each match. With the newest clients archived (a
/// recent import archived wholesale) a broad search walked thousands of archived
/// matches before its first page: 158 req/s instead of 540 for "pena". Archived
/// clients' words now have an index of their own; `client_words` holds active clients
/// only, so an active search (almost every search) neither reads nor skips archived ones,
/// and a viewer who sees every client counts matches without reading the clients table.
/// The triggers choose the index by `archived`, and move a client's words when it is
/// archived or restored. Both are external-content tables over `clients`, so neither may
/// be refilled with `rebuild`, which would read every client (see `ClientWordIndex`).
/// `clients_archived` (migration 027), which let the count test `archived` without the
/// row, has no reader left and goes. PostgreSQL's stored tsvector (migration 024) needs nothing.
enum Migration031 {
    static let migration = Migration(version: 31, name: "archived_client_words") { kind in
        switch kind {
        case .sqlite: [
            """
            CREATE VIRTUAL TABLE archived_client_words USING fts5(search_words, content='clients', content_rowid='id',
                tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6')
            """,
            "INSERT INTO archived_client_words (rowid, search_words) SELECT id, search_words FROM clients WHERE archived = 1",
            "INSERT INTO client_words (client_words, rowid, search_words) SELECT 'delete', id, search_words FROM clients WHERE archived = 1",
            "DROP INDEX clients_archived",
            "DROP TRIGGER clients_search_insert",
            "DROP TRIGGER clients_search_update",
            """
            CREATE TRIGGER clients_search_insert AFTER INSERT ON clients BEGIN
                INSERT INTO client_words (rowid, search_words) SELECT new.id, new.search_words WHERE new.archived = 0;
                INSERT INTO archived_client_words (rowid, search_words) SELECT new.id, new.search_words WHERE new.archived = 1;
                INSERT INTO client_digits (rowid, search_digits) VALUES (new.id, new.search_digits);
            END
            """,
            """
            CREATE TRIGGER clients_words_update AFTER UPDATE OF search_words, archived ON clients BEGIN
                INSERT INTO client_words (client_words, rowid, search_words)
                    SELECT 'delete', old.id, old.search_words WHERE old.archived = 0;
                INSERT INTO archived_client_words (archived_client_words, rowid, search_words)
                    SELECT 'delete', old.id, old.search_words WHERE old.archived = 1;
                INSERT INTO client_words (rowid, search_words) SELECT new.id, new.search_words WHERE new.archived = 0;
                INSERT INTO archived_client_words (rowid, search_words) SELECT new.id, new.search_words WHERE new.archived = 1;
            END
            """,
            """
            CREATE TRIGGER clients_digits_update AFTER UPDATE OF search_digits ON clients BEGIN
                INSERT INTO client_digits (client_digits, rowid, search_digits) VALUES ('delete', old.id, old.search_digits);
                INSERT INTO client_digits (rowid, search_digits) VALUES (new.id, new.search_digits);
            END
            """,
        ]
        case .postgres: []
        }
    }
}
