/// Speed at a million clients (issue 9): indexes that let the client list read
/// its page in the order asked instead of sorting every match, one per sort
/// order the list offers that had none (name, number and id already have theirs).
enum Migration022 {
    static let migration = Migration(version: 22, name: "list_orders") { kind in
        [
            "CREATE INDEX clients_city ON clients ((COALESCE(lower(city), '')), name_key, id)",
            "CREATE INDEX clients_updated ON clients (updated_at, id)",
        ].map { DDL.expand($0, kind) }
    }
}
