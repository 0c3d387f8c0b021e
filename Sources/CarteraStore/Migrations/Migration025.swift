/// Speed at a million clients (issue 9): the visit-recency counts of the home
/// page and the heat map's legend count ranges of this index, one per colour,
/// instead of computing every client's colour (0.4 s per home page at a million).
/// The last visit leads: with `archived` first, SQLite chose this index for the
/// heat map's grid too (equality on `archived`) and read every client's row for
/// its coordinates, 26 ms -> 232 ms at 100,000 clients, instead of the covering
/// `clients_coordinates`.
enum Migration025 {
    static let migration = Migration(version: 25, name: "client_recency") { kind in
        ["CREATE INDEX clients_recency ON clients (last_visit_at, archived) WHERE latitude IS NOT NULL"]
    }
}
