import CarteraCore
import SQLKit

/// The sales funnel (seed 003): what is sold (sales projects → stages →
/// subgroups, and their products), who sells each project, arrival channels,
/// reservation statuses, survey questions, the company's funnel settings, and
/// the leads with their interactions. Also an index of client e-mails, so a
/// lead is matched to its client by equality rather than by scanning.
enum Migration020 {
    static let migration = Migration(version: 20, name: "sales_funnel", statements: { kind in
        [
            """
            CREATE TABLE sales_projects (
                id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, active {bool} NOT NULL DEFAULT {true},
                assignment TEXT NOT NULL DEFAULT 'round_robin', fixed_responsible_id {bigint} REFERENCES users(id),
                last_assigned_id {bigint} REFERENCES users(id), version {bigint} NOT NULL DEFAULT 1)
            """,
            """
            CREATE TABLE sales_stages (
                id {id}, project_id {bigint} NOT NULL REFERENCES sales_projects(id), name TEXT NOT NULL, name_key TEXT NOT NULL,
                active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1, UNIQUE (project_id, name_key))
            """,
            """
            CREATE TABLE sales_subgroups (
                id {id}, stage_id {bigint} NOT NULL REFERENCES sales_stages(id), name TEXT NOT NULL, name_key TEXT NOT NULL,
                active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1, UNIQUE (stage_id, name_key))
            """,
            """
            CREATE TABLE sales_products (
                id {id}, project_id {bigint} NOT NULL REFERENCES sales_projects(id), subgroup_id {bigint} REFERENCES sales_subgroups(id),
                name TEXT NOT NULL, name_key TEXT NOT NULL, model TEXT, active {bool} NOT NULL DEFAULT {true},
                version {bigint} NOT NULL DEFAULT 1, UNIQUE (project_id, name_key))
            """,
            """
            CREATE TABLE sales_project_members (
                project_id {bigint} NOT NULL REFERENCES sales_projects(id), user_id {bigint} NOT NULL REFERENCES users(id),
                role TEXT NOT NULL, PRIMARY KEY (project_id, user_id))
            """,
            "CREATE INDEX sales_project_members_user ON sales_project_members (user_id, role)",
            """
            CREATE TABLE sales_channels (
                id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, category TEXT NOT NULL DEFAULT 'other',
                active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1)
            """,
            """
            INSERT INTO sales_channels (name, name_key, category) VALUES
                ('Portal Inmobiliario', 'portal inmobiliario', 'portals'), ('Mercado Libre', 'mercado libre', 'portals'),
                ('Sitio web', 'sitio web', 'web'), ('Cotizador web', 'cotizador web', 'web'),
                ('Facebook', 'facebook', 'social'), ('Instagram', 'instagram', 'social'),
                ('Sala de ventas', 'sala de ventas', 'other'), ('Referido', 'referido', 'other')
            """,
            """
            CREATE TABLE reservation_statuses (
                id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, position {bigint} NOT NULL DEFAULT 100,
                active {bool} NOT NULL DEFAULT {true}, version {bigint} NOT NULL DEFAULT 1)
            """,
            """
            INSERT INTO reservation_statuses (name, name_key, position) VALUES
                ('Emitida', 'emitida', 1), ('Aprobada', 'aprobada', 2), ('Cancelada', 'cancelada', 3), ('Caducada', 'caducada', 4),
                ('Rechazada', 'rechazada', 5), ('Modificada', 'modificada', 6), ('Modificada en minuta', 'modificada en minuta', 7),
                ('Fuera de plazo', 'fuera de plazo', 8), ('Inconclusa', 'inconclusa', 9), ('Pendiente', 'pendiente', 10)
            """,
            """
            CREATE TABLE survey_questions (
                id {id}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, active {bool} NOT NULL DEFAULT {true},
                version {bigint} NOT NULL DEFAULT 1)
            """,
            """
            CREATE TABLE sales_settings (
                id {bigint} PRIMARY KEY, contact_deadline_hours {bigint} NOT NULL, video_url_template TEXT,
                version {bigint} NOT NULL DEFAULT 1)
            """,
            "INSERT INTO sales_settings (id, contact_deadline_hours) VALUES (1, 48)",
            // A lead: one person's way through one project, from entry to its furthest phase.
            """
            CREATE TABLE sales_leads (
                id {id}, client_id {bigint} NOT NULL REFERENCES clients(id), project_id {bigint} NOT NULL REFERENCES sales_projects(id),
                stage_id {bigint} REFERENCES sales_stages(id), subgroup_id {bigint} REFERENCES sales_subgroups(id),
                responsible_id {bigint} NOT NULL REFERENCES users(id), entry_type TEXT NOT NULL,
                channel_id {bigint} REFERENCES sales_channels(id), phase TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'open',
                reason TEXT, comment TEXT, entered_at {ts} NOT NULL, last_contact_at {ts},
                last_interaction_at {ts} NOT NULL, version {bigint} NOT NULL DEFAULT 1)
            """,
            "CREATE INDEX sales_leads_client_project ON sales_leads (client_id, project_id, id)",
            "CREATE INDEX sales_leads_project_phase ON sales_leads (project_id, phase, entered_at)",
            "CREATE INDEX sales_leads_responsible ON sales_leads (responsible_id, phase)",
            """
            CREATE TABLE sales_interactions (
                id {id}, lead_id {bigint} NOT NULL REFERENCES sales_leads(id), client_id {bigint} NOT NULL REFERENCES clients(id),
                project_id {bigint} NOT NULL REFERENCES sales_projects(id), stage_id {bigint} REFERENCES sales_stages(id),
                subgroup_id {bigint} REFERENCES sales_subgroups(id), product_id {bigint} REFERENCES sales_products(id),
                entry_type TEXT NOT NULL, channel_id {bigint} REFERENCES sales_channels(id), contact_type TEXT, expectation TEXT,
                kind TEXT NOT NULL, reservation_status_id {bigint} REFERENCES reservation_statuses(id), comment TEXT,
                occurred_at {ts} NOT NULL, user_id {bigint} NOT NULL REFERENCES users(id), created_at {ts} NOT NULL)
            """,
            "CREATE INDEX sales_interactions_lead ON sales_interactions (lead_id, occurred_at)",
            "CREATE INDEX sales_interactions_project_kind ON sales_interactions (project_id, kind, occurred_at)",
            "CREATE INDEX sales_interactions_client ON sales_interactions (client_id, occurred_at)",
            """
            CREATE TABLE sales_survey_answers (
                id {id}, lead_id {bigint} NOT NULL REFERENCES sales_leads(id), question_id {bigint} NOT NULL REFERENCES survey_questions(id),
                answer TEXT NOT NULL, user_id {bigint} NOT NULL REFERENCES users(id), at {ts} NOT NULL)
            """,
            "CREATE INDEX sales_survey_answers_lead ON sales_survey_answers (lead_id, at)",
            """
            CREATE TABLE client_email_keys (
                email_key TEXT NOT NULL, client_id {bigint} NOT NULL REFERENCES clients(id), PRIMARY KEY (email_key, client_id))
            """,
            "CREATE INDEX client_email_keys_client ON client_email_keys (client_id)",
        ].map { DDL.expand($0, kind) }
    }, backfill: { session in
        for row in try await session.rows("SELECT id, emails FROM clients") {
            try await ClientLookupKeys.writeEmails(session, clientID: try row.int("id"), emails: try row.json("emails", as: [String].self),
                                                   replacing: false)
        }
    })
}
