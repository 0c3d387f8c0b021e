/// Master databases (seed 000, "Bases de datos maestras"): tables with typed
/// columns, their items, price lists and the price of each item in each list.
/// A price changes in place; what a saved form used is copied into the form.
enum Migration014 {
    static let migration = Migration(version: 14, name: "master_data") { kind in
        ([
            """
            CREATE TABLE master_tables (id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, columns {json} NOT NULL,
                active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1)
            """,
            """
            CREATE TABLE master_items (
                id {id}, table_id {bigint} NOT NULL REFERENCES master_tables(id), code TEXT NOT NULL, code_key TEXT NOT NULL,
                description TEXT NOT NULL, description_key TEXT NOT NULL, unit TEXT, field_values {json} NOT NULL,
                active {bool} NOT NULL DEFAULT {true}, search_words TEXT NOT NULL DEFAULT '',
                version {bigint} NOT NULL DEFAULT 1, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
            """,
            "CREATE UNIQUE INDEX master_items_code ON master_items (table_id, code_key)",
            "CREATE INDEX master_items_description ON master_items (table_id, description_key, id)",
            """
            CREATE TABLE price_lists (id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, currency TEXT NOT NULL,
                active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1)
            """,
            """
            CREATE TABLE item_prices (
                price_list_id {bigint} NOT NULL REFERENCES price_lists(id), item_id {bigint} NOT NULL REFERENCES master_items(id),
                price_minor {bigint} NOT NULL, updated_at {ts} NOT NULL, PRIMARY KEY (price_list_id, item_id))
            """,
            "CREATE INDEX item_prices_item ON item_prices (item_id)",
        ] + WordSearch.index(table: "master_items", fts: "master_item_words", kind)).map { DDL.expand($0, kind) }
    }
}
