import CarteraCore
import Foundation
import SQLKit

/// A project as lists show it.
public struct ProjectListing: Sendable, Hashable {
    public let project: Project
    public let clientNumber: Int64
    public let clientName: String
    public let managerName: String?
    public let contactName: String?
    public let pendingActivities: Int
    public let doneActivities: Int
}

/// Client projects, visible with their client (rule 1).
public struct ProjectStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func create(clientID: Client.ID, _ draft: ProjectDraft, by viewer: Viewer) async throws -> Project {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            try await Self.checkReferences(session, draft, clientID: clientID)
            let key = try await Counters.next(session, "project")
            let id: Project.ID = try await session.first("""
                INSERT INTO projects (project_key, client_id, name, starts_on, target_on, manager_id, contact_id, closed,
                    created_at, updated_at)
                VALUES (\(bind: key), \(bind: clientID.rawValue), \(Self.values(draft)), \(session.instant(now)), \(session.instant(now)))
                RETURNING id
                """)!.id("id")
            let created = try await Self.project(session, id, scope: .all)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "project", entityID: id.rawValue,
                                      clientID: clientID, action: "create", changes: AuditLog.diff([:], Self.flatten(created)))
            return created
        }
    }

    public func update(_ id: Project.ID, _ draft: ProjectDraft, expectedVersion: Int64, by viewer: Viewer) async throws -> Project {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.project(session, id, scope: .of(viewer)) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            try await Self.checkReferences(session, draft, clientID: before.clientID)
            try await session.run("""
                UPDATE projects SET (name, starts_on, target_on, manager_id, contact_id, closed) = (\(Self.values(draft))),
                    version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            let after = try await Self.project(session, id, scope: .all)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "project", entityID: id.rawValue,
                                      clientID: before.clientID, action: "update",
                                      changes: AuditLog.diff(Self.flatten(before), Self.flatten(after)))
            return after
        }
    }

    public func project(_ id: Project.ID, by viewer: Viewer) async throws -> Project? {
        try await database.read { try await Self.project($0, id, scope: .of(viewer)) }
    }

    /// A visible project by its key.
    public func project(key: Int64, by viewer: Viewer) async throws -> Project? {
        try await database.read { session in
            try await session.first("""
                SELECT p.* FROM projects p JOIN clients c ON c.id = p.client_id
                WHERE p.project_key = \(bind: key) AND \(ClientScope.of(viewer).predicate(session))
                """).map(Self.project)
        }
    }

    /// A client's projects (or every visible one), newest first, with their activity counts
    /// as the viewer may see them.
    public func list(clientID: Client.ID?, by viewer: Viewer, limit: Int = 200) async throws -> [ProjectListing] {
        try await database.read { session in
            let visibleActivity = OperationScope.of(viewer).predicate(session, owner: "a.owner_id", assignee: "a.owner_id")
            let client: SQLQueryString = clientID.map { "p.client_id = \(bind: $0.rawValue)" } ?? "1 = 1"
            return try await session.rows("""
                SELECT p.*, c.client_number, c.legal_name, u.name AS manager_name, k.name AS contact_name,
                    (SELECT COUNT(*) FROM activities a WHERE a.project_id = p.id AND a.status = 'pending' AND \(visibleActivity)) AS pending,
                    (SELECT COUNT(*) FROM activities a WHERE a.project_id = p.id AND a.status = 'done' AND \(visibleActivity)) AS done
                FROM projects p JOIN clients c ON c.id = p.client_id LEFT JOIN users u ON u.id = p.manager_id
                LEFT JOIN contacts k ON k.id = p.contact_id
                WHERE \(ClientScope.of(viewer).predicate(session)) AND \(client)
                ORDER BY p.project_key DESC LIMIT \(literal: limit)
                """).map { row in
                ProjectListing(project: try Self.project(row), clientNumber: try row.int("client_number"),
                               clientName: try row.string("legal_name"), managerName: try row.optString("manager_name"),
                               contactName: try row.optString("contact_name"), pendingActivities: Int(try row.int("pending")),
                               doneActivities: Int(try row.int("done")))
            }
        }
    }

    // MARK: SQL

    static func values(_ d: ProjectDraft) -> SQLQueryString {
        """
        \(bind: d.name), \(bind: d.startsOn?.description), \(bind: d.targetOn?.description), \(bind: d.managerID?.rawValue),
        \(bind: d.contactID?.rawValue), \(bind: d.closed)
        """
    }

    static func project(_ session: Session, _ id: Project.ID, scope: ClientScope) async throws -> Project? {
        try await session.first("""
            SELECT p.* FROM projects p JOIN clients c ON c.id = p.client_id
            WHERE p.id = \(bind: id.rawValue) AND \(scope.predicate(session))
            """).map(project)
    }

    static func checkReferences(_ session: Session, _ d: ProjectDraft, clientID: Client.ID) async throws {
        var errors: [FieldError] = []
        if let manager = d.managerID, try await !References.isActiveUser(session, manager) {
            errors.append(FieldError("managerId", "unknown_reference"))
        }
        if let contact = d.contactID, try await !References.isContact(session, contact, of: clientID) {
            errors.append(FieldError("contactId", "unknown_reference"))
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    static func project(_ row: Row) throws -> Project {
        Project(id: try row.id("id"), projectKey: try row.int("project_key"), clientID: try row.id("client_id"),
                draft: ProjectDraft(name: try row.string("name"), startsOn: try row.optString("starts_on").flatMap(CalendarDate.init),
                                    targetOn: try row.optString("target_on").flatMap(CalendarDate.init),
                                    managerID: try row.optID("manager_id"), contactID: try row.optID("contact_id"),
                                    closed: try row.bool("closed")),
                version: try row.int("version"))
    }

    static func flatten(_ p: Project) -> [String: String] {
        var out = ["name": p.draft.name, "closed": String(p.draft.closed), "projectKey": String(p.projectKey)]
        out["startsOn"] = p.draft.startsOn?.description
        out["targetOn"] = p.draft.targetOn?.description
        out["managerId"] = p.draft.managerID?.description
        out["contactId"] = p.draft.contactID?.description
        return out
    }
}
