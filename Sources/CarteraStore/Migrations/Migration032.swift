/// Speed on PostgreSQL (issue 9): a broad quick search spent most of its time counting.
/// GIN answers a prefix (`pena:*`) by collecting every match into a bitmap before the
/// first row, so counting "more than 1,000" of 27,845 matches took 14–22 ms however
/// early it stopped. `client_name_words` is a b-tree of the words of active clients'
/// legal names, read in order and stopped at the cap: an index-only range of a
/// thousand entries, about a millisecond (docs/performance.md, seventeenth pass).
///
/// It holds a *subset* of the search's matches, never more: each (word, client) is a
/// word of an active client's name key (its legal name as `Normalization.searchKey`
/// makes it, words also in `search_words`) of three characters or more, all ASCII
/// letters or digits — a word PostgreSQL's parser makes one lexeme of, itself. So a
/// count that finds more than the cap there is right, and one that does not falls
/// back to the full index (`ClientStore.count`). The legal name because that is what
/// people look a client up by, and a subset keeps the table small: 2.6 rows a client
/// against 15 for every word. The words are split from the name key rather than
/// taken from the tsvector: four times cheaper for the same rows. Statement triggers
/// with transition tables keep it, so a `COPY` of a block of clients is one
/// `INSERT … SELECT`, and every writer, whichever instance, keeps it the same (a bulk
/// load fills it once instead: `Database.bulkLoad`). SQLite's FTS5 reads its prefixes
/// in order already: nothing there.
enum Migration032 {
    static let migration = Migration(version: 32, name: "client_name_words") { kind in
        switch kind {
        case .sqlite: []
        case .postgres: [
            """
            CREATE TABLE client_name_words (word TEXT COLLATE "C" NOT NULL, client_id BIGINT NOT NULL)
            """,
            """
            CREATE FUNCTION client_name_words(name_key TEXT) RETURNS SETOF TEXT LANGUAGE sql IMMUTABLE AS $$
                SELECT DISTINCT w FROM unnest(string_to_array(name_key, ' ')) w WHERE length(w) >= 3 AND w ~ '^[a-z0-9]+$'
            $$
            """,
            """
            CREATE FUNCTION client_name_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO client_name_words (word, client_id)
                SELECT w, n.id FROM new_rows n, client_name_words(n.name_key) w WHERE NOT n.archived;
                RETURN NULL;
            END $$
            """,
            """
            CREATE FUNCTION client_name_words_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM client_name_words cw USING old_rows o, client_name_words(o.name_key) w
                WHERE NOT o.archived AND cw.word = w AND cw.client_id = o.id;
                RETURN NULL;
            END $$
            """,
            // An update touches the words only of clients whose name or archived flag changed.
            """
            CREATE FUNCTION client_name_words_update() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM client_name_words cw
                USING old_rows o JOIN new_rows n ON n.id = o.id, client_name_words(o.name_key) w
                WHERE NOT o.archived AND (o.name_key, o.archived) IS DISTINCT FROM (n.name_key, n.archived)
                    AND cw.word = w AND cw.client_id = o.id;
                INSERT INTO client_name_words (word, client_id)
                SELECT w, n.id FROM old_rows o JOIN new_rows n ON n.id = o.id, client_name_words(n.name_key) w
                WHERE NOT n.archived AND (o.name_key, o.archived) IS DISTINCT FROM (n.name_key, n.archived);
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER clients_name_words_insert AFTER INSERT ON clients
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION client_name_words_insert()
            """,
            """
            CREATE TRIGGER clients_name_words_delete AFTER DELETE ON clients
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION client_name_words_delete()
            """,
            """
            CREATE TRIGGER clients_name_words_update AFTER UPDATE ON clients
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION client_name_words_update()
            """,
            """
            INSERT INTO client_name_words (word, client_id)
            SELECT w, c.id FROM clients c, client_name_words(c.name_key) w WHERE NOT c.archived
            """,
            "CREATE INDEX client_name_words_word ON client_name_words (word, client_id)",
        ]
        }
    }
}
