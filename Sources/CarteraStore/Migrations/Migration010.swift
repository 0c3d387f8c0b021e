/// Client projects (seed 001): a consecutive key, dates, a user in charge;
/// activities can belong to one.
enum Migration010 {
    static let migration = Migration(version: 10, name: "projects") { kind in
        [
            "INSERT INTO counters (kind, last_value) VALUES ('project', 0)",
            """
            CREATE TABLE projects (
                id {id}, project_key {bigint} NOT NULL UNIQUE, client_id {bigint} NOT NULL REFERENCES clients(id),
                name TEXT NOT NULL, starts_on TEXT, target_on TEXT, manager_id {bigint} REFERENCES users(id),
                contact_id {bigint} REFERENCES contacts(id), closed {bool} NOT NULL DEFAULT {false},
                version {bigint} NOT NULL DEFAULT 1, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
            """,
            "CREATE INDEX projects_client ON projects (client_id, project_key)",
            "ALTER TABLE activities ADD COLUMN project_id {bigint} REFERENCES projects(id)",
            "CREATE INDEX activities_project ON activities (project_id, at)",
        ].map { DDL.expand($0, kind) }
    }
}
