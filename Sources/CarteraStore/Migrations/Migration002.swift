/// The import log: who imported which file when, and what it did.
enum Migration002 {
    static let migration = Migration(version: 2, name: "imports") { kind in
        [
            """
            CREATE TABLE imports (
                id {id}, user_id {bigint} NOT NULL REFERENCES users(id), at {ts} NOT NULL, entity TEXT NOT NULL,
                file_name TEXT NOT NULL, created {bigint} NOT NULL DEFAULT 0, updated {bigint} NOT NULL DEFAULT 0,
                unchanged {bigint} NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX imports_at ON imports (at)",
        ].map { DDL.expand($0, kind) }
    }
}
