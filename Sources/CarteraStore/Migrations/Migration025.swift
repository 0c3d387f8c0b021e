/// Speed at a million clients (issue 9): the visit-recency counts of the home
/// page and the heat map's legend count ranges of this index, one per colour,
/// instead of computing every client's colour (0.4 s per home page at a million).
enum Migration025 {
    static let migration = Migration(version: 25, name: "client_recency") { kind in
        ["CREATE INDEX clients_recency ON clients (archived, last_visit_at) WHERE latitude IS NOT NULL"]
    }
}
