/// Mail that goes out (issue 6): the company's and users' mail accounts
/// (passwords sealed with the configured key) and the outbox every message
/// is written to in the transaction that caused it.
enum Migration017 {
    static let migration = Migration(version: 17, name: "mail") { kind in
        [
            // `account_key` is "company" or "user:<id>": one account each (NULL user ids would not be unique).
            """
            CREATE TABLE mail_accounts (
                id {id}, account_key TEXT NOT NULL UNIQUE, user_id {bigint} REFERENCES users(id),
                host TEXT NOT NULL, port {bigint} NOT NULL, security TEXT NOT NULL, username TEXT, password_sealed TEXT,
                from_name TEXT, from_address TEXT NOT NULL, failing_reason TEXT,
                version {bigint} NOT NULL DEFAULT 1, updated_at {ts} NOT NULL)
            """,
            "ALTER TABLE company ADD COLUMN mail_fallback_to_company {bool} NOT NULL DEFAULT {false}",
            // `sender_user_id` NULL: the company's account sends it. `dedupe_key` makes "once per cause" a constraint.
            """
            CREATE TABLE outbox_messages (
                id {id}, kind TEXT NOT NULL, dedupe_key TEXT UNIQUE, sender_user_id {bigint} REFERENCES users(id),
                recipients {json} NOT NULL, subject TEXT NOT NULL, text_body TEXT NOT NULL, html_body TEXT, message_id TEXT NOT NULL,
                client_id {bigint} REFERENCES clients(id), status TEXT NOT NULL, attempts {bigint} NOT NULL DEFAULT 0,
                next_attempt_at {ts} NOT NULL, lease_until {ts}, last_error TEXT, sent_at {ts}, sent_from TEXT,
                created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
            """,
            "CREATE INDEX outbox_due ON outbox_messages (status, next_attempt_at)",
            "CREATE INDEX outbox_sender ON outbox_messages (sender_user_id, status)",
            "CREATE INDEX outbox_created ON outbox_messages (created_at)",
        ].map { DDL.expand($0, kind) }
    }
}
