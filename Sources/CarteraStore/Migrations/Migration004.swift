import CarteraCore
import SQLKit

/// Imports run as jobs: the uploaded file lives in the database (in parts, so
/// any instance can run or commit it and memory stays flat), with the job's
/// state and last report. Contact imports become revertible. Clients get a
/// sound key of their name for "near-identical name" hints.
enum Migration004 {
    static let migration = Migration(version: 4, name: "import_jobs", statements: { kind in
        [
            "ALTER TABLE clients ADD COLUMN name_sound TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX clients_name_sound ON clients (name_sound)",
            """
            CREATE TABLE import_uploads (
                id TEXT PRIMARY KEY, user_id {bigint} NOT NULL REFERENCES users(id), kind TEXT NOT NULL,
                file_name TEXT NOT NULL, size {bigint} NOT NULL, created_at {ts} NOT NULL, state TEXT NOT NULL,
                settings TEXT NOT NULL, result TEXT, started_at {ts})
            """,
            "CREATE INDEX import_uploads_created ON import_uploads (created_at)",
            """
            CREATE TABLE import_upload_parts (
                upload_id TEXT NOT NULL REFERENCES import_uploads(id), seq {bigint} NOT NULL, bytes {blob} NOT NULL,
                PRIMARY KEY (upload_id, seq))
            """,
            // No foreign key to contacts: reverting deletes the contacts an import created.
            """
            CREATE TABLE import_contact_changes (
                import_id {bigint} NOT NULL REFERENCES imports(id), contact_id {bigint} NOT NULL, before_fields TEXT,
                after_version {bigint} NOT NULL, PRIMARY KEY (import_id, contact_id))
            """,
        ].map { DDL.expand($0, kind) }
    }, backfill: { session in
        // Sound keys are computed in Swift; fill them for clients already there.
        for row in try await session.rows("SELECT id, legal_name FROM clients") {
            try await session.run("""
                UPDATE clients SET name_sound = \(bind: Normalization.soundKey(try row.string("legal_name")))
                WHERE id = \(bind: try row.int("id"))
                """)
        }
    })
}
