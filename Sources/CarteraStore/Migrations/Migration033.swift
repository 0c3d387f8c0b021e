/// Speed of the maps at a million clients (issue 9). The box around the clients came from
/// every client with coordinates: their longitudes lead no index, so finding the two ends
/// read all of them (0.3 s on PostgreSQL). `clients_longitude` has both ends at hand
/// (`MapStore.bounds`). On PostgreSQL `clients_coordinates` also carries the id, which the
/// grid reads for its lone clients' pins: without it the grid read every client's row
/// instead of the index alone. SQLite's indexes end with the rowid already.
enum Migration033 {
    static let migration = Migration(version: 33, name: "map_edges") { kind in
        let longitude = "CREATE INDEX clients_longitude ON clients (longitude) WHERE latitude IS NOT NULL"
        switch kind {
        case .sqlite: return [longitude]
        case .postgres: return [
            longitude,
            "DROP INDEX clients_coordinates",
            """
            CREATE INDEX clients_coordinates ON clients (latitude, longitude, last_visit_at, archived, client_type_id, client_group_id,
                branch_id, sales_agent_id, collector_id) INCLUDE (id) WHERE latitude IS NOT NULL
            """,
        ]
        }
    }
}
