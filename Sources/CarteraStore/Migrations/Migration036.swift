/// Speed of the import on PostgreSQL (issue 9). A client's phone tails and e-mail keys
/// (`ClientLookupKeys`) are an index the store keeps beside the client, written in the
/// client's own transaction, and clients are never deleted (they are archived). Their
/// reference to `clients` guarded nothing, yet PostgreSQL checked it on every row, locking
/// the client's row to do so: 2 of the 20 s of an import of 100,000 clients. The name
/// words (`client_name_words`) never had one. SQLite cannot drop a reference, so it copies
/// the two tables without it. Each statement can run again (the migration's test does).
enum Migration036 {
    static let migration = Migration(version: 36, name: "lookup_keys_unreferenced") { kind in
        switch kind {
        case .postgres:
            [
                "ALTER TABLE client_phone_tails DROP CONSTRAINT IF EXISTS client_phone_tails_client_id_fkey",
                "ALTER TABLE client_email_keys DROP CONSTRAINT IF EXISTS client_email_keys_client_id_fkey",
            ]
        case .sqlite:
            rebuilt("client_phone_tails", key: "tail") + rebuilt("client_email_keys", key: "email_key")
        }
    }

    private static func rebuilt(_ table: String, key: String) -> [String] {
        [
            """
            CREATE TABLE \(table)_new (
                \(key) TEXT NOT NULL, client_id INTEGER NOT NULL, PRIMARY KEY (\(key), client_id))
            """,
            "INSERT INTO \(table)_new (\(key), client_id) SELECT \(key), client_id FROM \(table) ORDER BY \(key), client_id",
            "DROP TABLE \(table)",
            "ALTER TABLE \(table)_new RENAME TO \(table)",
            "CREATE INDEX \(table)_client ON \(table) (client_id)",
        ]
    }
}
