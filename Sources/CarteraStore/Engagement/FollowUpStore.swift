import CarteraCore
import Foundation
import SQLKit
import Synchronization

/// A follow-up as lists show it: with its client, contact and responsible's names.
public struct FollowUpListing: Sendable, Hashable {
    public let followUp: FollowUp
    public let clientNumber: Int64
    public let clientName: String
    public let contactName: String?
    public let responsibleName: String
}

/// Whose operations a list shows (the responsible of follow-ups, the user of activities).
public enum PersonFilter: Sendable, Hashable {
    case me
    /// Everyone the viewer may see.
    case anyone
    case user(User.ID)

    /// The condition on a user column, e.g. `f.responsible_id`.
    func condition(_ column: String, viewer: Viewer) -> SQLQueryString? {
        switch self {
        case .me: "\(unsafeRaw: column) = \(bind: viewer.id.rawValue)"
        case .user(let id): "\(unsafeRaw: column) = \(bind: id.rawValue)"
        case .anyone: nil
        }
    }
}

/// Which follow-ups a list asks for; the viewer's scope always applies on top.
public struct FollowUpQuery: Sendable, Hashable {
    /// A panel tab: pending follow-ups due in its interval.
    public var tab: FollowUpTab?
    public var status: FollowUp.Status?
    public var responsible: PersonFilter
    public var clientID: Client.ID?
    /// Only those due from this instant on (a calendar feed's window).
    public var dueFrom: Date?
    public var limit: Int
    public var offset: Int

    public init(tab: FollowUpTab? = nil, status: FollowUp.Status? = nil, responsible: PersonFilter = .anyone,
                clientID: Client.ID? = nil, dueFrom: Date? = nil, limit: Int = 200, offset: Int = 0) {
        self.tab = tab; self.status = status; self.responsible = responsible; self.clientID = clientID; self.dueFrom = dueFrom
        self.limit = max(1, min(limit, 500)); self.offset = max(0, offset)
    }
}

/// Follow-ups: written on clients the user sees, read under rule 2 (owner's
/// current branch and department, assignee, manager chain) on top of rule 1.
public struct FollowUpStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func create(clientID: Client.ID, _ draft: FollowUpDraft, by viewer: Viewer) async throws -> FollowUp {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            return try await Self.insert(session, clientID: clientID, draft, by: viewer.id, at: now)
        }
    }

    /// Inserts a validated follow-up on a client already checked for scope, inside the caller's transaction, audited.
    static func insert(_ session: Session, clientID: Client.ID, _ draft: FollowUpDraft, by owner: User.ID, at now: Date) async throws -> FollowUp {
        try await checkReferences(session, draft, clientID: clientID)
        let id: FollowUp.ID = try await session.first("""
            INSERT INTO follow_ups (client_id, owner_id, \(unsafeRaw: editableColumns), created_at, updated_at)
            VALUES (\(bind: clientID.rawValue), \(bind: owner.rawValue), \(values(session, draft)),
                    \(session.instant(now)), \(session.instant(now)))
            RETURNING id
            """)!.id("id")
        let created = try await followUp(session, id, visibleTo: nil)!
        try await AuditLog.record(session, at: now, userID: owner, entity: "follow_up", entityID: id.rawValue,
                                  clientID: clientID, action: "create", changes: AuditLog.diff([:], flatten(created)))
        return created
    }

    /// Writes the draft over a visible follow-up at `expectedVersion`.
    public func update(_ id: FollowUp.ID, _ draft: FollowUpDraft, expectedVersion: Int64, by viewer: Viewer) async throws -> FollowUp {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.followUp(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            try await Self.checkReferences(session, draft, clientID: before.clientID)
            try await session.run("""
                UPDATE follow_ups SET (\(unsafeRaw: Self.editableColumns)) = (\(Self.values(session, draft))),
                    reminded_at = CASE WHEN remind_at = \(Self.remindAt(session, draft)) THEN reminded_at END,
                    version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            let after = try await Self.followUp(session, id, visibleTo: nil)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "follow_up", entityID: id.rawValue,
                                      clientID: before.clientID, action: "update",
                                      changes: AuditLog.diff(Self.flatten(before), Self.flatten(after)))
            return after
        }
    }

    /// Marks a visible follow-up done (or pending again), recording who and when.
    /// Idempotent: marking a done follow-up done changes nothing.
    public func setStatus(_ id: FollowUp.ID, _ status: FollowUp.Status, by viewer: Viewer) async throws -> FollowUp {
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.followUp(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            guard before.status != status else { return before }
            let doneAt: SQLQueryString = status == .done ? session.instant(now) : "NULL"
            try await session.run("""
                UPDATE follow_ups SET status = \(bind: status.rawValue), done_at = \(doneAt),
                    done_by = \(bind: status == .done ? viewer.id.rawValue : nil), version = version + 1,
                    updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            let after = try await Self.followUp(session, id, visibleTo: nil)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "follow_up", entityID: id.rawValue,
                                      clientID: before.clientID, action: status == .done ? "done" : "reopen",
                                      changes: AuditLog.diff(Self.flatten(before), Self.flatten(after)))
            return after
        }
    }

    public func followUp(_ id: FollowUp.ID, by viewer: Viewer) async throws -> FollowUp? {
        try await database.read { try await Self.followUp($0, id, visibleTo: viewer) }
    }

    /// A follow-up with the names lists show.
    static let select: SQLQueryString = """
        SELECT f.*, c.client_number, c.legal_name, k.name AS contact_name, r.name AS responsible_name
        FROM follow_ups f JOIN clients c ON c.id = f.client_id JOIN users r ON r.id = f.responsible_id
        LEFT JOIN contacts k ON k.id = f.contact_id
        """

    /// Follow-ups the viewer sees, matching the query: a tab by due date, else
    /// pending first, then by due date.
    public func list(_ query: FollowUpQuery, by viewer: Viewer, timeZone: TimeZone) async throws -> [FollowUpListing] {
        let now = clock.now()
        return try await database.read { session in
            let order: SQLQueryString = query.tab == nil && query.status == nil
                ? "CASE WHEN f.status = 'pending' THEN 0 ELSE 1 END, f.due_at, f.id" : "f.due_at, f.id"
            return try await session.rows("""
                \(Self.select) WHERE \(Self.filter(session, query, viewer: viewer, now: now, timeZone: timeZone))
                ORDER BY \(order) LIMIT \(literal: query.limit) OFFSET \(literal: query.offset)
                """).map(Self.listing)
        }
    }

    /// Every follow-up the query matches, streamed (downloads); the query's limit does not apply.
    public func export(_ query: FollowUpQuery, by viewer: Viewer, timeZone: TimeZone,
                       _ each: @escaping @Sendable (FollowUpListing) -> Void) async throws {
        let now = clock.now()
        try await database.longRead { session in
            let failure = Mutex<(any Error)?>(nil)
            try await session.stream("""
                \(Self.select) WHERE \(Self.filter(session, query, viewer: viewer, now: now, timeZone: timeZone)) ORDER BY f.due_at, f.id
                """) { row in
                do { each(try Self.listing(row)) } catch { failure.withLock { $0 = $0 ?? error } }
            }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }

    /// How many pending follow-ups each panel tab holds, for the same responsible filter.
    public func counts(responsible: PersonFilter, by viewer: Viewer,
                       timeZone: TimeZone) async throws -> [FollowUpTab: Int] {
        let now = clock.now()
        return try await database.read { session in
            var sums: [SQLQueryString] = []
            for tab in FollowUpTab.allCases {
                let (from, to) = tab.interval(now: now, timeZone: timeZone)
                let lower: SQLQueryString = from.map { "f.due_at >= \(session.instant($0)) AND " } ?? ""
                sums.append("SUM(CASE WHEN \(lower)f.due_at < \(session.instant(to)) THEN 1 ELSE 0 END) AS \(ident: tab.rawValue)")
            }
            let query = FollowUpQuery(status: .pending, responsible: responsible)
            guard let row = try await session.first("""
                SELECT \(sums.joined(separator: ", ")) FROM follow_ups f JOIN clients c ON c.id = f.client_id
                WHERE \(Self.filter(session, query, viewer: viewer, now: now, timeZone: timeZone))
                """) else { return [:] }
            var out: [FollowUpTab: Int] = [:]
            for tab in FollowUpTab.allCases { out[tab] = Int(try row.optInt(tab.rawValue) ?? 0) }
            return out
        }
    }

    // MARK: SQL

    static let editableColumns = "contact_id, responsible_id, title, description, colour, due_at, remind_minutes, remind_at"

    /// A reminder moved to another time is sent again: `reminded_at` is kept only while `remind_at` stays.
    static func remindAt(_ session: Session, _ d: FollowUpDraft) -> SQLQueryString {
        d.remindAt.map { session.instant($0) } ?? "NULL"
    }

    static func values(_ session: Session, _ d: FollowUpDraft) -> SQLQueryString {
        """
            \(bind: d.contactID?.rawValue), \(bind: d.responsibleID.rawValue), \(bind: d.title), \(bind: d.description),
            \(bind: d.colour.rawValue), \(session.instant(d.dueAt)), \(bind: d.remindMinutesBefore.map(Int64.init)), \(remindAt(session, d))
            """
    }

    static func filter(_ session: Session, _ query: FollowUpQuery, viewer: Viewer, now: Date, timeZone: TimeZone) -> SQLQueryString {
        var parts: [SQLQueryString] = [OperationScope.of(viewer).predicate(session, owner: "f.owner_id", assignee: "f.responsible_id")]
        if let person = query.responsible.condition("f.responsible_id", viewer: viewer) { parts.append(person) }
        if let tab = query.tab {
            let (from, to) = tab.interval(now: now, timeZone: timeZone)
            parts.append("f.status = 'pending' AND f.due_at < \(session.instant(to))")
            if let from { parts.append("f.due_at >= \(session.instant(from))") }
        }
        if let status = query.status { parts.append("f.status = \(bind: status.rawValue)") }
        if let client = query.clientID { parts.append("f.client_id = \(bind: client.rawValue)") }
        if let from = query.dueFrom { parts.append("f.due_at >= \(session.instant(from))") }
        return parts.joined(separator: " AND ")
    }

    /// One follow-up, if `viewer` may see it (nil: no check, for re-reads after a checked write).
    static func followUp(_ session: Session, _ id: FollowUp.ID, visibleTo viewer: Viewer?) async throws -> FollowUp? {
        let predicate: SQLQueryString = viewer.map {
            OperationScope.of($0).predicate(session, owner: "f.owner_id", assignee: "f.responsible_id")
        } ?? "1 = 1"
        return try await session.first("""
            SELECT f.* FROM follow_ups f JOIN clients c ON c.id = f.client_id WHERE f.id = \(bind: id.rawValue) AND \(predicate)
            """).map(followUp)
    }

    /// The responsible must be an active user; the contact must be one of the client's.
    static func checkReferences(_ session: Session, _ d: FollowUpDraft, clientID: Client.ID) async throws {
        var errors: [FieldError] = []
        if try await !References.isActiveUser(session, d.responsibleID) {
            errors.append(FieldError("responsibleId", "unknown_reference"))
        }
        if let contact = d.contactID, try await !References.isContact(session, contact, of: clientID) {
            errors.append(FieldError("contactId", "unknown_reference"))
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    static func followUp(_ row: Row) throws -> FollowUp {
        let draft = FollowUpDraft(contactID: try row.optID("contact_id"), responsibleID: try row.id("responsible_id"),
                                  title: try row.string("title"), description: try row.optString("description"),
                                  colour: FollowUp.Colour(rawValue: try row.string("colour")) ?? .blue, dueAt: try row.instant("due_at"),
                                  remindMinutesBefore: try row.optInt("remind_minutes").map(Int.init))
        return FollowUp(id: try row.id("id"), clientID: try row.id("client_id"), ownerID: try row.id("owner_id"), draft: draft,
                        status: FollowUp.Status(rawValue: try row.string("status")) ?? .pending, doneAt: try row.optInstant("done_at"),
                        doneByID: try row.optID("done_by"), version: try row.int("version"), createdAt: try row.instant("created_at"))
    }

    static func listing(_ row: Row) throws -> FollowUpListing {
        FollowUpListing(followUp: try followUp(row), clientNumber: try row.int("client_number"),
                        clientName: try row.string("legal_name"), contactName: try row.optString("contact_name"),
                        responsibleName: try row.string("responsible_name"))
    }

    static func flatten(_ f: FollowUp) -> [String: String] {
        var out = ["title": f.draft.title, "colour": f.draft.colour.rawValue, "responsibleId": String(f.draft.responsibleID.rawValue),
                   "dueAt": ISO8601DateFormatter().string(from: f.draft.dueAt), "status": f.status.rawValue]
        out["description"] = f.draft.description
        out["contactId"] = f.draft.contactID.map { String($0.rawValue) }
        out["remindMinutesBefore"] = f.draft.remindMinutesBefore.map(String.init)
        return out
    }
}
