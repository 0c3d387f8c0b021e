/// Maps (seed 000, "Vistas de Mapa"): the company's visit-recency thresholds,
/// the optional tile server and geocoder, and two partial indexes: one holding
/// every column the map's grid and heat map read, so they scan it instead of
/// the wide clients table, and one for counting the clients without coordinates.
enum Migration021 {
    static let migration = Migration(version: 21, name: "maps") { kind in
        [
            """
            CREATE TABLE map_settings (
                id {bigint} PRIMARY KEY, recent_days {bigint} NOT NULL, medium_days {bigint} NOT NULL, tile_url TEXT, geocoder_url TEXT,
                version {bigint} NOT NULL DEFAULT 1)
            """,
            "INSERT INTO map_settings (id, recent_days, medium_days) VALUES (1, 30, 90)",
            """
            CREATE INDEX clients_coordinates ON clients (latitude, longitude, last_visit_at, archived, client_type_id, client_group_id,
                branch_id, sales_agent_id, collector_id) WHERE latitude IS NOT NULL
            """,
            "CREATE INDEX clients_without_coordinates ON clients (archived) WHERE latitude IS NULL",
        ].map { DDL.expand($0, kind) }
    }
}
