/// Equipment (seed 000, "Objetos"): kinds with their own typed fields, assets
/// at clients with the kind's values in one JSON column, and the assets a work
/// order involves.
enum Migration013 {
    static let migration = Migration(version: 13, name: "assets") { kind in
        ([
            """
            CREATE TABLE asset_kinds (id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, fields {json} NOT NULL,
                active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1)
            """,
            """
            CREATE TABLE assets (
                id {id}, client_id {bigint} NOT NULL REFERENCES clients(id), kind_id {bigint} NOT NULL REFERENCES asset_kinds(id),
                name TEXT NOT NULL, name_key TEXT NOT NULL, serial TEXT, field_values {json} NOT NULL,
                archived {bool} NOT NULL DEFAULT {false}, search_words TEXT NOT NULL DEFAULT '',
                version {bigint} NOT NULL DEFAULT 1, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
            """,
            "CREATE INDEX assets_client ON assets (client_id, name_key)",
            "CREATE INDEX assets_kind ON assets (kind_id, name_key)",
            "CREATE INDEX assets_name ON assets (name_key, id)",
            """
            CREATE TABLE work_order_assets (
                work_order_id {bigint} NOT NULL REFERENCES work_orders(id), asset_id {bigint} NOT NULL REFERENCES assets(id),
                PRIMARY KEY (work_order_id, asset_id))
            """,
            "CREATE INDEX work_order_assets_asset ON work_order_assets (asset_id)",
            // A recurring rule's order template names its assets too.
            "ALTER TABLE recurring_order_rules ADD COLUMN asset_ids {json} NOT NULL DEFAULT '[]'",
        ] + WordSearch.index(table: "assets", fts: "asset_words", kind)).map { DDL.expand($0, kind) }
    }
}
