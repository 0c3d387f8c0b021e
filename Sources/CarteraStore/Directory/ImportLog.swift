import CarteraCore
import Foundation
import SQLKit

/// An import as the log lists it.
public struct ImportRecord: Sendable, Hashable {
    public typealias ID = EntityID<ImportRecord>
    public let id: ID
    public let userName: String
    public let at: Date
    public let fileName: String
    public let created: Int64
    public let updated: Int64
    public let unchanged: Int64
    public let revertedAt: Date?
}

/// What a revert did, and the clients it left alone because they were edited since.
public struct RevertReport: Sendable {
    public var restored = 0
    public var archived = 0
    public var editedSince: [Int64] = []
}

extension ClientStore {
    /// Committed imports, newest first: admins see all, others their own.
    public func imports(by viewer: Viewer, limit: Int = 100) async throws -> [ImportRecord] {
        try await database.read { session in
            let mine: SQLQueryString = viewer.isAdmin ? "1 = 1" : "i.user_id = \(bind: viewer.id.rawValue)"
            return try await session.rows("""
                SELECT i.*, u.name AS user_name FROM imports i JOIN users u ON u.id = i.user_id
                WHERE \(mine) AND EXISTS (SELECT 1 FROM import_changes k WHERE k.import_id = i.id)
                ORDER BY i.id DESC LIMIT \(bind: limit)
                """).map { row in
                ImportRecord(id: try row.id("id"), userName: try row.string("user_name"), at: try row.instant("at"),
                             fileName: try row.string("file_name"), created: try row.int("created"), updated: try row.int("updated"),
                             unchanged: try row.int("unchanged"), revertedAt: try row.optInstant("reverted_at"))
            }
        }
    }

    /// Undoes an import: clients it created are archived, fields it changed are
    /// restored — except on clients edited since, which are listed, not overwritten.
    public func revertImport(_ id: ImportRecord.ID, by viewer: Viewer) async throws -> RevertReport {
        guard viewer.can(.importData), viewer.can(.editClients) else { throw StoreError.forbidden }
        return try await database.write { session in
            guard let record = try await session.first("SELECT * FROM imports WHERE id = \(bind: id.rawValue)") else {
                throw StoreError.notFound
            }
            let owner: User.ID = try record.id("user_id")
            guard viewer.isAdmin || owner == viewer.id else { throw StoreError.notFound }
            if try record.optInstant("reverted_at") != nil { throw ValidationFailure([FieldError("import", "already_reverted")]) }
            let now = clock.now()
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
                        UPDATE clients SET archived = \(bind: true), version = version + 1, updated_at = \(session.instant(now))
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
            return report
        }
    }
}
