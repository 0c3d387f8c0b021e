/// Follow-ups (seguimientos): on a client, owned by their creator, assigned to
/// a responsible user, with a reminder time the mail job reads.
enum Migration005 {
    static let migration = Migration(version: 5, name: "follow_ups") { kind in
        [
            """
            CREATE TABLE follow_ups (
                id {id}, client_id {bigint} NOT NULL REFERENCES clients(id), contact_id {bigint} REFERENCES contacts(id),
                owner_id {bigint} NOT NULL REFERENCES users(id), responsible_id {bigint} NOT NULL REFERENCES users(id),
                title TEXT NOT NULL, description TEXT, colour TEXT NOT NULL, due_at {ts} NOT NULL,
                remind_minutes {bigint}, remind_at {ts}, reminded_at {ts},
                status TEXT NOT NULL DEFAULT 'pending', done_at {ts}, done_by {bigint} REFERENCES users(id),
                version {bigint} NOT NULL DEFAULT 1, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
            """,
            // The panel: a responsible's pending follow-ups by due date; rule 1's "work assigned to the user".
            "CREATE INDEX follow_ups_responsible ON follow_ups (responsible_id, status, due_at)",
            "CREATE INDEX follow_ups_client ON follow_ups (client_id, due_at)",
            "CREATE INDEX follow_ups_owner ON follow_ups (owner_id, status, due_at)",
            // The reminder job: pending reminders not yet sent, by time.
            "CREATE INDEX follow_ups_remind ON follow_ups (remind_at) WHERE reminded_at IS NULL AND remind_at IS NOT NULL",
        ].map { DDL.expand($0, kind) }
    }
}
