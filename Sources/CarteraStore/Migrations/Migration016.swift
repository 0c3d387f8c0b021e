/// Deliveries (seed 000, "Logística"): per client, a date, a status and item
/// lines (codes and descriptions copied from the master table when saved).
enum Migration016 {
    static let migration = Migration(version: 16, name: "deliveries") { kind in
        [
            """
            CREATE TABLE deliveries (
                id {id}, client_id {bigint} NOT NULL REFERENCES clients(id), delivery_date TEXT NOT NULL, status TEXT NOT NULL,
                notes TEXT, table_id {bigint} NOT NULL REFERENCES master_tables(id), lines {json} NOT NULL,
                owner_id {bigint} NOT NULL REFERENCES users(id), version {bigint} NOT NULL DEFAULT 1,
                created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
            """,
            "CREATE INDEX deliveries_client ON deliveries (client_id, delivery_date)",
            "CREATE INDEX deliveries_date ON deliveries (delivery_date, status)",
        ].map { DDL.expand($0, kind) }
    }
}
