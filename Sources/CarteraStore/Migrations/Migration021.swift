/// Maps (seed 000, "Vistas de Mapa"): the company's visit-recency thresholds,
/// the optional tile server and geocoder, and an index for the map's box queries.
enum Migration021 {
    static let migration = Migration(version: 21, name: "maps") { kind in
        [
            """
            CREATE TABLE map_settings (
                id {bigint} PRIMARY KEY, recent_days {bigint} NOT NULL, medium_days {bigint} NOT NULL, tile_url TEXT, geocoder_url TEXT,
                version {bigint} NOT NULL DEFAULT 1)
            """,
            "INSERT INTO map_settings (id, recent_days, medium_days) VALUES (1, 30, 90)",
            "CREATE INDEX clients_coordinates ON clients (latitude, longitude) WHERE latitude IS NOT NULL",
        ].map { DDL.expand($0, kind) }
    }
}
