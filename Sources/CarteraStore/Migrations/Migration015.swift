/// Digital forms (seed 000, "Formularios"): templates with immutable numbered
/// versions, and forms saved at clients (optionally on a work order) with their
/// answers and a copy of each item's price as it was when filled.
enum Migration015 {
    static let migration = Migration(version: 15, name: "forms") { kind in
        [
            """
            CREATE TABLE form_templates (id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, active {bool} NOT NULL DEFAULT {true},
                current_version_id {bigint}, version {bigint} NOT NULL DEFAULT 1)
            """,
            """
            CREATE TABLE form_template_versions (
                id {id}, template_id {bigint} NOT NULL REFERENCES form_templates(id), number {bigint} NOT NULL,
                definition {json} NOT NULL, created_by {bigint} REFERENCES users(id), created_at {ts} NOT NULL,
                UNIQUE (template_id, number))
            """,
            """
            CREATE TABLE forms (
                id {id}, client_id {bigint} NOT NULL REFERENCES clients(id),
                template_version_id {bigint} NOT NULL REFERENCES form_template_versions(id),
                work_order_id {bigint} REFERENCES work_orders(id), price_list_id {bigint} REFERENCES price_lists(id),
                answers {json} NOT NULL, total_minor {bigint}, currency TEXT,
                filled_by {bigint} NOT NULL REFERENCES users(id), filled_at {ts} NOT NULL, created_at {ts} NOT NULL)
            """,
            "CREATE INDEX forms_client ON forms (client_id, filled_at)",
            "CREATE INDEX forms_order ON forms (work_order_id)",
        ].map { DDL.expand($0, kind) }
    }
}
