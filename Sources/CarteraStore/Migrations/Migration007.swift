/// Calendar feeds: one secret, revocable iCalendar address per user, hashed at rest.
enum Migration007 {
    static let migration = Migration(version: 7, name: "calendar_feeds") { kind in
        [
            """
            CREATE TABLE calendar_feeds (
                user_id {bigint} PRIMARY KEY REFERENCES users(id), token_hash TEXT NOT NULL UNIQUE, created_at {ts} NOT NULL)
            """,
        ].map { DDL.expand($0, kind) }
    }
}
