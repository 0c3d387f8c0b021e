/// Work orders (seed 001, "Orden de Servicio"), the services registered on them,
/// and the recurring rules that make them (seed 000). An order made by a rule
/// carries the rule and the occurrence, unique together: a rule never makes the
/// same occurrence twice, however many instances run the job.
enum Migration012 {
    static let migration = Migration(version: 12, name: "work_orders") { kind in
        // The "concept" search: the order's normalised words (description, equipment, services).
        (shared + WordSearch.index(table: "work_orders", fts: "work_order_words", kind)).map { DDL.expand($0, kind) }
    }

    static let shared: [String] = [
        "INSERT INTO counters (kind, last_value) VALUES ('work_order', 0)",
        """
        CREATE TABLE recurring_order_rules (
            id {id}, client_id {bigint} NOT NULL REFERENCES clients(id), rule TEXT NOT NULL,
            start_date TEXT NOT NULL, start_time TEXT NOT NULL, time_zone TEXT NOT NULL, exception_dates {json} NOT NULL,
            contact_id {bigint} REFERENCES contacts(id), category_id {bigint} REFERENCES activity_categories(id),
            priority TEXT NOT NULL, assignee_id {bigint} REFERENCES users(id), description TEXT NOT NULL,
            owner_id {bigint} NOT NULL REFERENCES users(id), ended {bool} NOT NULL DEFAULT {false},
            materialised_through {ts}, version {bigint} NOT NULL DEFAULT 1, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
        """,
        "CREATE INDEX recurring_order_rules_client ON recurring_order_rules (client_id)",
        """
        CREATE TABLE work_orders (
            id {id}, order_number {bigint} NOT NULL UNIQUE, client_id {bigint} NOT NULL REFERENCES clients(id),
            contact_id {bigint} REFERENCES contacts(id), project_id {bigint} REFERENCES projects(id),
            category_id {bigint} REFERENCES activity_categories(id), priority TEXT NOT NULL,
            owner_id {bigint} NOT NULL REFERENCES users(id), assignee_id {bigint} REFERENCES users(id),
            appointment_at {ts}, appointment_zone TEXT, description TEXT NOT NULL, equipment_received TEXT,
            status TEXT NOT NULL DEFAULT 'open', finished_at {ts},
            verified_at {ts}, verified_by {bigint} REFERENCES users(id), rating {bigint}, customer_comments TEXT,
            rule_id {bigint} REFERENCES recurring_order_rules(id), occurrence_at {ts},
            search_words TEXT NOT NULL DEFAULT '',
            version {bigint} NOT NULL DEFAULT 1, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
        """,
        "CREATE UNIQUE INDEX work_orders_occurrence ON work_orders (rule_id, occurrence_at)",
        // "My orders": an assignee's orders by status and appointment; rule 1's "work assigned to the user".
        "CREATE INDEX work_orders_assignee ON work_orders (assignee_id, status, appointment_at)",
        "CREATE INDEX work_orders_owner ON work_orders (owner_id, status)",
        "CREATE INDEX work_orders_client ON work_orders (client_id, order_number)",
        "CREATE INDEX work_orders_project ON work_orders (project_id)",
        "CREATE INDEX work_orders_created ON work_orders (created_at, id)",
        "CREATE INDEX work_orders_finished ON work_orders (finished_at)",
        """
        CREATE TABLE service_entries (
            id {id}, work_order_id {bigint} NOT NULL REFERENCES work_orders(id), user_id {bigint} NOT NULL REFERENCES users(id),
            at {ts} NOT NULL, detail TEXT NOT NULL, finishes {bool} NOT NULL, created_by {bigint} NOT NULL REFERENCES users(id),
            created_at {ts} NOT NULL)
        """,
        "CREATE INDEX service_entries_order ON service_entries (work_order_id, at)",
        // A visit (DESIGN.md "What counts"): the latest kept on the client for maps and the card.
        "ALTER TABLE clients ADD COLUMN last_visit_at {ts}",
    ]
}
