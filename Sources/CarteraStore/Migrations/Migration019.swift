/// Opportunities (seed 001): a type catalogue with two defaults, the
/// opportunities of clients, and each one's history of steps.
enum Migration019 {
    static let migration = Migration(version: 19, name: "opportunities") { kind in
        [
            """
            CREATE TABLE opportunity_types (
                id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, active {bool} NOT NULL DEFAULT {true},
                version {bigint} NOT NULL DEFAULT 1)
            """,
            "INSERT INTO opportunity_types (name, name_key) VALUES ('Venta', 'venta'), ('Servicio', 'servicio')",
            """
            CREATE TABLE opportunities (
                id {id}, client_id {bigint} NOT NULL REFERENCES clients(id), contact_id {bigint} REFERENCES contacts(id),
                type_id {bigint} REFERENCES opportunity_types(id), agent_id {bigint} NOT NULL REFERENCES users(id),
                owner_id {bigint} NOT NULL REFERENCES users(id), subject TEXT NOT NULL, observations TEXT, heard_from TEXT,
                status TEXT NOT NULL DEFAULT 'new', next_contact_on TEXT, invoice_number TEXT,
                version {bigint} NOT NULL DEFAULT 1, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
            """,
            "CREATE INDEX opportunities_agent ON opportunities (agent_id, status)",
            "CREATE INDEX opportunities_owner ON opportunities (owner_id, status)",
            "CREATE INDEX opportunities_client ON opportunities (client_id)",
            // The calendar feed: an agent's waiting opportunities by their next contact date.
            "CREATE INDEX opportunities_next_contact ON opportunities (agent_id, next_contact_on) WHERE status = 'waiting'",
            """
            CREATE TABLE opportunity_events (
                id {id}, opportunity_id {bigint} NOT NULL REFERENCES opportunities(id), status TEXT NOT NULL, comment TEXT,
                next_contact_on TEXT, invoice_number TEXT, lost_reason TEXT, improvement TEXT,
                user_id {bigint} NOT NULL REFERENCES users(id), at {ts} NOT NULL)
            """,
            "CREATE INDEX opportunity_events_opportunity ON opportunity_events (opportunity_id, at)",
        ].map { DDL.expand($0, kind) }
    }
}
