/// Notes (seed 002, "Notas específicas"): on a client, by an author with a
/// department; seen by access level on the author's current branch and department.
enum Migration009 {
    static let migration = Migration(version: 9, name: "notes") { kind in
        [
            """
            CREATE TABLE notes (
                id {id}, client_id {bigint} NOT NULL REFERENCES clients(id), author_id {bigint} NOT NULL REFERENCES users(id),
                body TEXT NOT NULL, location TEXT, treatment TEXT, version {bigint} NOT NULL DEFAULT 1,
                created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
            """,
            "CREATE INDEX notes_client ON notes (client_id, created_at)",
            "CREATE INDEX notes_author ON notes (author_id, created_at)",
        ].map { DDL.expand($0, kind) }
    }
}
