import CarteraCore
import Foundation
import SQLKit
import Synchronization

/// An activity as lists show it, with the names it points to.
public struct ActivityListing: Sendable, Hashable {
    public let activity: Activity
    public let clientNumber: Int64
    public let clientName: String
    public let contactName: String?
    public let categoryName: String?
    public let userName: String
}

/// Which activities a list asks for; the viewer's scope always applies on top.
public struct ActivityQuery: Sendable, Hashable {
    public var person: PersonFilter
    public var status: FollowUp.Status?
    public var clientID: Client.ID?
    public var contactID: Contact.ID?
    public var projectID: Project.ID?
    /// `[from, to)` on the activity's date and time.
    public var from: Date?
    public var to: Date?
    public var limit: Int
    public var offset: Int

    public init(person: PersonFilter = .me, status: FollowUp.Status? = nil, clientID: Client.ID? = nil,
                contactID: Contact.ID? = nil, projectID: Project.ID? = nil, from: Date? = nil, to: Date? = nil, limit: Int = 200,
                offset: Int = 0) {
        self.person = person; self.status = status; self.clientID = clientID; self.contactID = contactID; self.projectID = projectID
        self.from = from; self.to = to; self.limit = max(1, min(limit, 500)); self.offset = max(0, offset)
    }
}

/// Activities: written on clients the user sees, read under rule 2 with the
/// activity's user as its owner.
public struct ActivityStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func create(clientID: Client.ID, _ draft: ActivityDraft, by viewer: Viewer) async throws -> Activity {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            try await Self.checkReferences(session, draft, clientID: clientID)
            let id: Activity.ID = try await session.first("""
                INSERT INTO activities (client_id, created_by, \(unsafeRaw: Self.editableColumns), created_at, updated_at)
                VALUES (\(bind: clientID.rawValue), \(bind: viewer.id.rawValue), \(Self.values(session, draft)),
                        \(session.instant(now)), \(session.instant(now)))
                RETURNING id
                """)!.id("id")
            let created = try await Self.activity(session, id, visibleTo: nil)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "activity", entityID: id.rawValue,
                                      clientID: clientID, action: "create", changes: AuditLog.diff([:], Self.flatten(created)))
            return created
        }
    }

    public func update(_ id: Activity.ID, _ draft: ActivityDraft, expectedVersion: Int64, by viewer: Viewer) async throws -> Activity {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.activity(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            try await Self.checkReferences(session, draft, clientID: before.clientID)
            try await session.run("""
                UPDATE activities SET (\(unsafeRaw: Self.editableColumns)) = (\(Self.values(session, draft))),
                    version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            let after = try await Self.activity(session, id, visibleTo: nil)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "activity", entityID: id.rawValue,
                                      clientID: before.clientID, action: "update",
                                      changes: AuditLog.diff(Self.flatten(before), Self.flatten(after)))
            return after
        }
    }

    /// "Ok" (done) or back to pending; idempotent.
    public func setStatus(_ id: Activity.ID, _ status: FollowUp.Status, by viewer: Viewer) async throws -> Activity {
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.activity(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            guard before.status != status else { return before }
            let doneAt: SQLQueryString = status == .done ? session.instant(now) : "NULL"
            try await session.run("""
                UPDATE activities SET status = \(bind: status.rawValue), done_at = \(doneAt),
                    done_by = \(bind: status == .done ? viewer.id.rawValue : nil), version = version + 1,
                    updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            let after = try await Self.activity(session, id, visibleTo: nil)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "activity", entityID: id.rawValue,
                                      clientID: before.clientID, action: status == .done ? "done" : "reopen",
                                      changes: AuditLog.diff(Self.flatten(before), Self.flatten(after)))
            return after
        }
    }

    public func activity(_ id: Activity.ID, by viewer: Viewer) async throws -> Activity? {
        try await database.read { try await Self.activity($0, id, visibleTo: viewer) }
    }

    public func list(_ query: ActivityQuery, by viewer: Viewer) async throws -> [ActivityListing] {
        try await database.read { session in
            try await session.rows("""
                \(Self.select) WHERE \(Self.filter(session, query, viewer: viewer))
                ORDER BY \(Self.order(query)) LIMIT \(literal: query.limit) OFFSET \(literal: query.offset)
                """).map(Self.listing)
        }
    }

    /// Every activity the query matches, streamed (downloads).
    public func export(_ query: ActivityQuery, by viewer: Viewer, _ each: @escaping @Sendable (ActivityListing) -> Void) async throws {
        try await database.longRead { session in
            let failure = Mutex<(any Error)?>(nil)
            try await session.stream("""
                \(Self.select) WHERE \(Self.filter(session, query, viewer: viewer)) ORDER BY \(Self.order(query))
                """) { row in
                do { each(try Self.listing(row)) } catch { failure.withLock { $0 = $0 ?? error } }
            }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }

    // MARK: SQL

    static let editableColumns = "contact_id, category_id, project_id, owner_id, detail, at"

    static let select: SQLQueryString = """
        SELECT a.*, c.client_number, c.legal_name, k.name AS contact_name, g.name AS category_name, u.name AS user_name
        FROM activities a JOIN clients c ON c.id = a.client_id JOIN users u ON u.id = a.owner_id
        LEFT JOIN contacts k ON k.id = a.contact_id LEFT JOIN activity_categories g ON g.id = a.category_id
        """

    /// Pending ones oldest first (what is left to do); otherwise newest first.
    static func order(_ query: ActivityQuery) -> SQLQueryString {
        query.status == .pending ? "a.at, a.id" : "a.at DESC, a.id DESC"
    }

    static func values(_ session: Session, _ d: ActivityDraft) -> SQLQueryString {
        """
        \(bind: d.contactID?.rawValue), \(bind: d.categoryID?.rawValue), \(bind: d.projectID?.rawValue),
        \(bind: d.userID.rawValue), \(bind: d.detail),
        \(session.instant(d.at))
        """
    }

    static func filter(_ session: Session, _ query: ActivityQuery, viewer: Viewer) -> SQLQueryString {
        var parts: [SQLQueryString] = [OperationScope.of(viewer).predicate(session, owner: "a.owner_id", assignee: "a.owner_id")]
        if let person = query.person.condition("a.owner_id", viewer: viewer) { parts.append(person) }
        if let status = query.status { parts.append("a.status = \(bind: status.rawValue)") }
        if let client = query.clientID { parts.append("a.client_id = \(bind: client.rawValue)") }
        if let contact = query.contactID { parts.append("a.contact_id = \(bind: contact.rawValue)") }
        if let project = query.projectID { parts.append("a.project_id = \(bind: project.rawValue)") }
        if let from = query.from { parts.append("a.at >= \(session.instant(from))") }
        if let to = query.to { parts.append("a.at < \(session.instant(to))") }
        return parts.joined(separator: " AND ")
    }

    /// One activity, if `viewer` may see it (nil: no check, for re-reads after a checked write).
    static func activity(_ session: Session, _ id: Activity.ID, visibleTo viewer: Viewer?) async throws -> Activity? {
        let predicate: SQLQueryString = viewer.map {
            OperationScope.of($0).predicate(session, owner: "a.owner_id", assignee: "a.owner_id")
        } ?? "1 = 1"
        return try await session.first("""
            SELECT a.* FROM activities a JOIN clients c ON c.id = a.client_id WHERE a.id = \(bind: id.rawValue) AND \(predicate)
            """).map(activity)
    }

    /// The user must be active; the contact must be the client's; the category must exist.
    static func checkReferences(_ session: Session, _ d: ActivityDraft, clientID: Client.ID) async throws {
        var errors: [FieldError] = []
        if try await !References.isActiveUser(session, d.userID) { errors.append(FieldError("userId", "unknown_reference")) }
        if let contact = d.contactID, try await !References.isContact(session, contact, of: clientID) {
            errors.append(FieldError("contactId", "unknown_reference"))
        }
        if let category = d.categoryID, try await session.first("""
            SELECT id FROM activity_categories WHERE id = \(bind: category.rawValue)
            """) == nil { errors.append(FieldError("categoryId", "unknown_reference")) }
        if let project = d.projectID, try await session.first("""
            SELECT id FROM projects WHERE id = \(bind: project.rawValue) AND client_id = \(bind: clientID.rawValue)
            """) == nil { errors.append(FieldError("projectId", "unknown_reference")) }
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    static func activity(_ row: Row) throws -> Activity {
        let draft = ActivityDraft(contactID: try row.optID("contact_id"), categoryID: try row.optID("category_id"),
                                  projectID: try row.optID("project_id"), userID: try row.id("owner_id"), detail: try row.string("detail"), at: try row.instant("at"))
        return Activity(id: try row.id("id"), clientID: try row.id("client_id"), draft: draft, createdBy: try row.id("created_by"),
                        status: FollowUp.Status(rawValue: try row.string("status")) ?? .pending,
                        doneAt: try row.optInstant("done_at"), doneByID: try row.optID("done_by"), version: try row.int("version"))
    }

    static func listing(_ row: Row) throws -> ActivityListing {
        ActivityListing(activity: try activity(row), clientNumber: try row.int("client_number"),
                        clientName: try row.string("legal_name"), contactName: try row.optString("contact_name"),
                        categoryName: try row.optString("category_name"), userName: try row.string("user_name"))
    }

    static func flatten(_ a: Activity) -> [String: String] {
        var out = ["detail": a.draft.detail, "userId": a.draft.userID.description,
                   "at": ISO8601DateFormatter().string(from: a.draft.at), "status": a.status.rawValue]
        out["contactId"] = a.draft.contactID?.description
        out["categoryId"] = a.draft.categoryID?.description
        out["projectId"] = a.draft.projectID?.description
        return out
    }
}
