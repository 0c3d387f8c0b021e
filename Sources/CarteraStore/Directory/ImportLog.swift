import CarteraCore
import Foundation
import SQLKit

/// An import as the log lists it.
public struct ImportRecord: Sendable, Hashable {
    public typealias ID = EntityID<ImportRecord>
    public let id: ID
    /// `client` or `contact`.
    public let entity: String
    public let userName: String
    public let at: Date
    public let fileName: String
    public let created: Int64
    public let updated: Int64
    public let unchanged: Int64
    public let revertedAt: Date?
}

/// What a revert did, and the records it left alone because they were edited
/// since (client numbers, or contact keys for a contact import).
public struct RevertReport: Sendable {
    public var restored = 0
    /// Clients archived, or contacts removed, because the import created them.
    public var archived = 0
    public var editedSince: [Int64] = []
}

/// The `imports` row every import writes: opened when it starts (its id marks
/// what it changes), closed with its counts when it commits.
enum ImportLog {
    static func open(_ session: Session, entity: String, fileName: String, by viewer: Viewer, at now: Date) async throws -> Int64 {
        try await session.first("""
            INSERT INTO imports (user_id, at, entity, file_name) VALUES (\(bind: viewer.id.rawValue), \(session.instant(now)),
                \(bind: entity), \(bind: String(fileName.prefix(200)))) RETURNING id
            """)!.int("id")
    }

    static func close(_ session: Session, _ id: Int64, _ report: ImportReport) async throws {
        try await session.run("""
            UPDATE imports SET created = \(bind: report.created), updated = \(bind: report.updated),
                unchanged = \(bind: report.unchanged) WHERE id = \(bind: id)
            """)
    }
}

extension ClientStore {
    /// Committed imports, newest first: admins see all, others their own.
    public func imports(by viewer: Viewer, limit: Int = 100) async throws -> [ImportRecord] {
        try await database.read { session in
            let mine: SQLQueryString = viewer.isAdmin ? "1 = 1" : "i.user_id = \(bind: viewer.id.rawValue)"
            return try await session.rows("""
                SELECT i.*, u.name AS user_name FROM imports i JOIN users u ON u.id = i.user_id
                WHERE \(mine) AND (EXISTS (SELECT 1 FROM import_changes k WHERE k.import_id = i.id)
                    OR EXISTS (SELECT 1 FROM import_contact_changes k WHERE k.import_id = i.id))
                ORDER BY i.id DESC LIMIT \(literal: limit)
                """).map { row in
                ImportRecord(id: try row.id("id"), entity: try row.string("entity"), userName: try row.string("user_name"), at: try row.instant("at"),
                             fileName: try row.string("file_name"), created: try row.int("created"), updated: try row.int("updated"),
                             unchanged: try row.int("unchanged"), revertedAt: try row.optInstant("reverted_at"))
            }
        }
    }

    /// Undoes an import: clients it created are archived (contacts removed),
    /// fields it changed are restored — except on records edited since, which
    /// are listed, not overwritten.
    /// Returns the import's entity (`client` or `contact`) with what was done.
    public func revertImport(_ id: ImportRecord.ID, by viewer: Viewer) async throws -> (String, RevertReport) {
        guard viewer.can(.importData), viewer.can(.editClients) else { throw StoreError.forbidden }
        return try await database.write { session in
            guard let record = try await session.first("SELECT * FROM imports WHERE id = \(bind: id.rawValue)") else {
                throw StoreError.notFound
            }
            let owner: User.ID = try record.id("user_id")
            guard viewer.isAdmin || owner == viewer.id else { throw StoreError.notFound }
            if try record.optInstant("reverted_at") != nil { throw ValidationFailure([FieldError("import", "already_reverted")]) }
            let now = clock.now()
            if try record.string("entity") == "contact" {
                let report = try await Self.revertContacts(session, id, by: viewer, at: now)
                try await session.run("UPDATE imports SET reverted_at = \(session.instant(now)) WHERE id = \(bind: id.rawValue)")
                return ("contact", report)
            }
            let definitions = try await CatalogueStore.customFields(session)
            var report = RevertReport()
            for change in try await session.rows("SELECT * FROM import_changes WHERE import_id = \(bind: id.rawValue)") {
                guard let client = try await Self.client(session, try change.id("client_id"), scope: .of(viewer)) else { continue }
                guard client.version == (try change.int("after_version")) else {
                    report.editedSince.append(client.clientNumber)
                    continue
                }
                if let before = try change.optString("before_draft") {
                    let draft = try JSONDecoder().decode(ClientDraft.self, from: Data(before.utf8))
                    do {
                        _ = try await Self.replace(session, client, draft, definitions: definitions, by: viewer, at: now,
                                                   action: "import_revert")
                        report.restored += 1
                    } catch is ValidationFailure {
                        report.editedSince.append(client.clientNumber)
                    }
                } else {
                    try await session.run("""
                        UPDATE clients SET archived = \(session.literal(true)), version = version + 1, updated_at = \(session.instant(now))
                        WHERE id = \(bind: client.id.rawValue)
                        """)
                    try await AuditLog.record(session, at: now, userID: viewer.id, entity: "client", entityID: client.id.rawValue,
                                              clientID: client.id, action: "import_revert",
                                              changes: [AuditChange(field: "archived", before: "false", after: "true")])
                    report.archived += 1
                }
            }
            try await session.run("UPDATE imports SET reverted_at = \(session.instant(now)) WHERE id = \(bind: id.rawValue)")
            report.editedSince.sort()
            return ("client", report)
        }
    }

    private static func revertContacts(_ session: Session, _ id: ImportRecord.ID, by viewer: Viewer,
                                       at now: Date) async throws -> RevertReport {
        var report = RevertReport()
        for change in try await session.rows("SELECT * FROM import_contact_changes WHERE import_id = \(bind: id.rawValue)") {
            guard let contact = try await ContactStore.contact(session: session, try change.id("contact_id"), scope: .of(viewer))
            else { continue }
            guard contact.version == (try change.int("after_version")) else {
                report.editedSince.append(contact.contactKey)
                continue
            }
            if let before = try change.optString("before_fields") {
                let fields = try JSONDecoder().decode(ContactFields.self, from: Data(before.utf8))
                let after = try await ContactStore.write(session, contact, (fields.name, fields.role, fields.email, fields.phone),
                                                         at: now)
                try await AuditLog.record(session, at: now, userID: viewer.id, entity: "contact", entityID: contact.id.rawValue,
                                          clientID: contact.clientID, action: "import_revert",
                                          changes: AuditLog.diff(ContactStore.flatten(contact), ContactStore.flatten(after)))
                report.restored += 1
            } else {
                try await ContactStore.remove(session, contact.id)
                try await AuditLog.record(session, at: now, userID: viewer.id, entity: "contact", entityID: contact.id.rawValue,
                                          clientID: contact.clientID, action: "import_revert",
                                          changes: AuditLog.diff(ContactStore.flatten(contact), [:]))
                report.archived += 1
            }
        }
        report.editedSince.sort()
        return report
    }
}
