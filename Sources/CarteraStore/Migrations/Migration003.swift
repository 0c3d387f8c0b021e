/// What each import changed, so it can be reverted: the client's fields before
/// (none for a client it created) and the version it left behind.
enum Migration003 {
    static let migration = Migration(version: 3, name: "import_changes") { kind in
        [
            """
            CREATE TABLE import_changes (
                import_id {bigint} NOT NULL REFERENCES imports(id), client_id {bigint} NOT NULL REFERENCES clients(id),
                before_draft TEXT, after_version {bigint} NOT NULL, PRIMARY KEY (import_id, client_id))
            """,
            "ALTER TABLE imports ADD COLUMN reverted_at {ts}",
        ].map { DDL.expand($0, kind) }
    }
}
