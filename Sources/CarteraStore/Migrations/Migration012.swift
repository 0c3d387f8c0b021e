/// Work orders (seed 001, "Orden de Servicio"), the services registered on them,
/// and the recurring rules that make them (seed 000). An order made by a rule
/// carries the rule and the occurrence, unique together: a rule never makes the
/// same occurrence twice, however many instances run the job.
enum Migration012 {
    static let migration = Migration(version: 12, name: "work_orders") { kind in
        (shared + (kind == .sqlite ? sqliteSearch : postgresSearch)).map { DDL.expand($0, kind) }
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

    /// The "concept" search: FTS5 over the order's normalised words (description and services), kept by triggers.
    static let sqliteSearch: [String] = [
        """
        CREATE VIRTUAL TABLE work_order_words USING fts5(search_words, content='work_orders', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3')
        """,
        """
        CREATE TRIGGER work_orders_search_insert AFTER INSERT ON work_orders BEGIN
            INSERT INTO work_order_words (rowid, search_words) VALUES (new.id, new.search_words);
        END
        """,
        """
        CREATE TRIGGER work_orders_search_update AFTER UPDATE OF search_words ON work_orders BEGIN
            INSERT INTO work_order_words (work_order_words, rowid, search_words) VALUES ('delete', old.id, old.search_words);
            INSERT INTO work_order_words (rowid, search_words) VALUES (new.id, new.search_words);
        END
        """,
        """
        CREATE TRIGGER work_orders_search_delete AFTER DELETE ON work_orders BEGIN
            INSERT INTO work_order_words (work_order_words, rowid, search_words) VALUES ('delete', old.id, old.search_words);
        END
        """,
    ]

    static let postgresSearch: [String] = [
        "CREATE INDEX work_orders_words ON work_orders USING GIN (to_tsvector('simple', search_words))",
    ]
}
