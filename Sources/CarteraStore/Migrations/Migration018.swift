/// Receivables and their notices (seed 002, "Avisos"): invoices per client,
/// the notice concepts catalogue with its two defaults, each client's notice
/// settings, and one row per invoice and concept noticed (never twice).
enum Migration018 {
    static let migration = Migration(version: 18, name: "receivables") { kind in
        [
            """
            CREATE TABLE notice_concepts (
                id {id}, description TEXT NOT NULL, days {bigint} NOT NULL, kind TEXT NOT NULL,
                active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1)
            """,
            """
            INSERT INTO notice_concepts (description, days, kind) VALUES
                ('Recordatorio 7 días antes del vencimiento', 7, 'before_due'), ('Aviso 7 días después del vencimiento', 7, 'after_due')
            """,
            """
            CREATE TABLE receivables (
                id {id}, client_id {bigint} NOT NULL REFERENCES clients(id), number TEXT NOT NULL, number_key TEXT NOT NULL UNIQUE,
                issue_date TEXT NOT NULL, due_date TEXT NOT NULL, currency TEXT NOT NULL, amount_minor {bigint} NOT NULL,
                balance_minor {bigint} NOT NULL, paid {bool} NOT NULL DEFAULT {false}, version {bigint} NOT NULL DEFAULT 1,
                created_at {ts} NOT NULL, updated_at {ts} NOT NULL)
            """,
            "CREATE INDEX receivables_client ON receivables (client_id, due_date)",
            // The notices job: open invoices by due date.
            "CREATE INDEX receivables_open ON receivables (due_date) WHERE paid = {false}",
            """
            CREATE TABLE client_notice_settings (
                client_id {bigint} PRIMARY KEY REFERENCES clients(id), active {bool} NOT NULL, subject TEXT NOT NULL,
                contact_ids {json} NOT NULL, reminder_concept_id {bigint} REFERENCES notice_concepts(id),
                after_due_enabled {bool} NOT NULL, after_due_concept_id {bigint} REFERENCES notice_concepts(id),
                reminder_body TEXT NOT NULL, after_due_body TEXT NOT NULL, consolidated {bool} NOT NULL,
                version {bigint} NOT NULL DEFAULT 1, updated_at {ts} NOT NULL)
            """,
            """
            CREATE TABLE receivable_notices (
                receivable_id {bigint} NOT NULL REFERENCES receivables(id), concept_id {bigint} NOT NULL REFERENCES notice_concepts(id),
                outbox_message_id {bigint} REFERENCES outbox_messages(id), created_at {ts} NOT NULL,
                PRIMARY KEY (receivable_id, concept_id))
            """,
        ].map { DDL.expand($0, kind) }
    }
}
