/// Speed at a million clients (issue 9): a broad client list reads its page along the
/// sort's index (name, city, last change) and fetched every client's row on the way
/// to test the archived flag and the list's filters — four rows read for each shown on
/// a list of one client type, twenty for a group holding a twentieth of the clients.
/// With those columns at the end of the index, SQLite tests them there and reads only
/// the rows it shows (`sqlite3`, 1.1 million clients, list of one type by city: 177 →
/// 54 µs). SQLite only: PostgreSQL chooses its own plans for the lists.
enum Migration030 {
    static let filters = "archived, client_type_id, client_group_id, branch_id, sales_agent_id, collector_id"

    static let migration = Migration(version: 30, name: "client_sort_indexes_with_filters") { kind in
        switch kind {
        case .sqlite: [
            "DROP INDEX clients_name",
            "CREATE INDEX clients_name ON clients (name_key, id, \(filters))",
            "DROP INDEX clients_city",
            "CREATE INDEX clients_city ON clients ((COALESCE(lower(city), '')), name_key, id, \(filters))",
            "DROP INDEX clients_updated",
            "CREATE INDEX clients_updated ON clients (updated_at, id, \(filters))",
        ]
        case .postgres: []
        }
    }
}
