/// Indexes for the lists read across users (admins and managers choosing
/// "everyone"): activities newest first, pending follow-ups by due date, notes
/// newest first. Per-user reads use the owner indexes of 005, 008 and 009.
enum Migration011 {
    static let migration = Migration(version: 11, name: "engagement_indexes") { kind in
        [
            "CREATE INDEX activities_at ON activities (at, id)",
            "CREATE INDEX follow_ups_due ON follow_ups (status, due_at)",
            "CREATE INDEX notes_created ON notes (created_at, id)",
        ].map { DDL.expand($0, kind) }
    }
}
