/// Speed (issue 9): one counter that every change to a company-wide catalogue
/// bumps, by trigger so that no write path can forget it. Instances compare it
/// before reusing what they read of those tables (`CatalogueCache`).
enum Migration023 {
    /// The tables `CatalogueCache` reads through; a table added later needs its own migration.
    static let tables = ["users", "roles", "user_roles", "client_group_users", "client_groups", "client_types",
                         "branches", "custom_fields", "asset_kinds", "activity_categories"]

    static let migration = Migration(version: 23, name: "catalogue_generation") { kind in
        var statements = [
            "CREATE TABLE catalogue_generation (id INTEGER PRIMARY KEY CHECK (id = 1), value {bigint} NOT NULL)",
            "INSERT INTO catalogue_generation (id, value) VALUES (1, 1)",
        ]
        switch kind {
        case .sqlite:
            // SQLite triggers run per row; a catalogue write touches a few rows.
            for table in tables {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    statements.append("""
                        CREATE TRIGGER \(table)_generation_\(event.lowercased()) AFTER \(event) ON \(table)
                        BEGIN UPDATE catalogue_generation SET value = value + 1; END
                        """)
                }
            }
        case .postgres:
            statements.append("""
                CREATE FUNCTION catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN UPDATE catalogue_generation SET value = value + 1; RETURN NULL; END $$
                """)
            for table in tables {
                statements.append("""
                    CREATE TRIGGER \(table)_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON \(table)
                    FOR EACH STATEMENT EXECUTE FUNCTION catalogue_changed()
                    """)
            }
        }
        return statements.map { DDL.expand($0, kind) }
    }
}
