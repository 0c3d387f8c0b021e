/// Speed of the import on PostgreSQL (issue 9). Three kinds of rows are written only by the
/// store, in the client's own transaction, with the id its insert just returned: the phone
/// tails and e-mail keys (`ClientLookupKeys`, an index kept by hand) and the import's revert
/// records (`import_changes`). Clients are never deleted (they are archived), so their
/// reference to `clients` guarded nothing, yet PostgreSQL checked it on every row, locking the
/// client's row to do so: about 2.5 s of an import of 100,000 clients that took 20–24 s
/// (docs/decisions.md "Rows written with their client hold no reference to it"). SQLite cannot
/// drop a reference, so it copies the three tables without it. Each statement can run again
/// (the migration's test does).
enum Migration036 {
    static let migration = Migration(version: 36, name: "client_rows_unreferenced") { kind in
        switch kind {
        case .postgres:
            [
                "ALTER TABLE client_phone_tails DROP CONSTRAINT IF EXISTS client_phone_tails_client_id_fkey",
                "ALTER TABLE client_email_keys DROP CONSTRAINT IF EXISTS client_email_keys_client_id_fkey",
                "ALTER TABLE import_changes DROP CONSTRAINT IF EXISTS import_changes_client_id_fkey",
            ]
        case .sqlite:
            rebuilt("client_phone_tails", columns: "tail TEXT NOT NULL, client_id INTEGER NOT NULL, PRIMARY KEY (tail, client_id)",
                    copying: "tail, client_id", index: "client_id")
                + rebuilt("client_email_keys",
                          columns: "email_key TEXT NOT NULL, client_id INTEGER NOT NULL, PRIMARY KEY (email_key, client_id)",
                          copying: "email_key, client_id", index: "client_id")
                + rebuilt("import_changes", columns: """
                    import_id INTEGER NOT NULL REFERENCES imports(id), client_id INTEGER NOT NULL,
                    before_draft TEXT, after_version INTEGER NOT NULL, PRIMARY KEY (import_id, client_id)
                    """, copying: "import_id, client_id, before_draft, after_version", index: nil)
        }
    }

    /// `table` copied into a new one of `columns`, in its primary key's order (`copying` starts
    /// with it), then put in its place with its index on `index`.
    private static func rebuilt(_ table: String, columns: String, copying: String, index: String?) -> [String] {
        [
            "CREATE TABLE \(table)_new (\(columns))",
            "INSERT INTO \(table)_new (\(copying)) SELECT \(copying) FROM \(table) ORDER BY 1, 2",
            "DROP TABLE \(table)",
            "ALTER TABLE \(table)_new RENAME TO \(table)",
        ] + (index.map { ["CREATE INDEX \(table)_client ON \(table) (\($0))"] } ?? [])
    }
}
