/// Activities (seed 001): what was done or is to be done with a client, by a
/// user, in a category; pending until marked done.
enum Migration008 {
    static let migration = Migration(version: 8, name: "activities") { kind in
        [
            """
            CREATE TABLE activity_categories (id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
                active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1)
            """,
            """
            CREATE TABLE activities (
                id {id}, client_id {bigint} NOT NULL REFERENCES clients(id), contact_id {bigint} REFERENCES contacts(id),
                category_id {bigint} REFERENCES activity_categories(id), owner_id {bigint} NOT NULL REFERENCES users(id),
                created_by {bigint} NOT NULL REFERENCES users(id), detail TEXT NOT NULL, at {ts} NOT NULL,
                status TEXT NOT NULL DEFAULT 'pending', done_at {ts}, done_by {bigint} REFERENCES users(id),
                version {bigint} NOT NULL DEFAULT 1, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
            """,
            // The follow-up screen: a user's activities by status and date; the client card; "in use" checks.
            "CREATE INDEX activities_owner ON activities (owner_id, status, at)",
            "CREATE INDEX activities_client ON activities (client_id, at)",
            "CREATE INDEX activities_category ON activities (category_id)",
        ].map { DDL.expand($0, kind) }
    }
}
