/// Speed (issue 9): one counter that every change to a company-wide catalogue
/// bumps, by trigger so that no write path can forget it. Instances compare it
/// before reusing what they read of those tables (`CatalogueCache`).
enum Migration023 {
    /// The tables `CatalogueCache` reads through; a table added later needs its own migration (029).
    static let tables = ["users", "roles", "user_roles", "client_group_users", "client_groups", "client_types",
                         "branches", "custom_fields", "asset_kinds", "activity_categories"]

    static let migration = Migration(version: 23, name: "catalogue_generation") { kind in
        var statements = [
            "CREATE TABLE catalogue_generation (id INTEGER PRIMARY KEY CHECK (id = 1), value {bigint} NOT NULL)",
            "INSERT INTO catalogue_generation (id, value) VALUES (1, 1)",
        ]
        if kind == .postgres {
            statements.append("""
                CREATE FUNCTION catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN UPDATE catalogue_generation SET value = value + 1; RETURN NULL; END $$
                """)
        }
        statements += triggers(on: tables, kind)
        return statements.map { DDL.expand($0, kind) }
    }

    /// Triggers that bump the counter on every write to `tables`.
    static func triggers(on tables: [String], _ kind: DialectKind) -> [String] {
        switch kind {
        case .sqlite:
            // SQLite triggers run per row: a catalogue write touches a few rows (a price
            // list's import bumps the counter once a row, within its one transaction).
            tables.flatMap { table in
                ["INSERT", "UPDATE", "DELETE"].map { event in
                    """
                    CREATE TRIGGER \(table)_generation_\(event.lowercased()) AFTER \(event) ON \(table)
                    BEGIN UPDATE catalogue_generation SET value = value + 1; END
                    """
                }
            }
        case .postgres:
            tables.map { table in
                """
                CREATE TRIGGER \(table)_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON \(table)
                FOR EACH STATEMENT EXECUTE FUNCTION catalogue_changed()
                """
            }
        }
    }
}
