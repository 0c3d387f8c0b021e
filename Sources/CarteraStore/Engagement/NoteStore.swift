import CarteraCore
import Foundation
import SQLKit
import Synchronization

/// A note as the card and the report show it.
public struct NoteListing: Sendable, Hashable {
    public let note: Note
    public let clientNumber: Int64
    public let clientName: String
    public let authorName: String
    /// The author's department and branch *now*.
    public let departmentName: String?
    public let branchName: String?
}

/// The notes report's filters and options (seed 002).
public struct NoteQuery: Sendable, Hashable {
    public var clientID: Client.ID?
    /// On the author's current branch and department.
    public var branchID: Branch.ID?
    public var departmentID: Department.ID?
    public var authorID: User.ID?
    /// `[from, to)` on when the note was written.
    public var from: Date?
    public var to: Date?
    /// Only the three newest notes of each client.
    public var lastThreePerClient: Bool
    /// Ordered by the author's department, then client, instead of newest first.
    public var groupByDepartment: Bool
    public var limit: Int

    public init(clientID: Client.ID? = nil, branchID: Branch.ID? = nil, departmentID: Department.ID? = nil,
                authorID: User.ID? = nil, from: Date? = nil, to: Date? = nil, lastThreePerClient: Bool = false,
                groupByDepartment: Bool = false, limit: Int = 500) {
        self.clientID = clientID; self.branchID = branchID; self.departmentID = departmentID; self.authorID = authorID
        self.from = from; self.to = to; self.lastThreePerClient = lastThreePerClient; self.groupByDepartment = groupByDepartment
        self.limit = max(1, min(limit, 5000))
    }
}

/// Notes: written by users with a department, read under rule 2 with the
/// author as owner (so moving a user moves their past notes), deleted at level 1 only.
public struct NoteStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func create(clientID: Client.ID, _ draft: NoteDraft, by viewer: Viewer) async throws -> Note {
        guard viewer.canWriteNotes else { throw StoreError.forbidden }
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            let id: Note.ID = try await session.first("""
                INSERT INTO notes (client_id, author_id, body, location, treatment, created_at, updated_at)
                VALUES (\(bind: clientID.rawValue), \(bind: viewer.id.rawValue), \(bind: draft.text), \(bind: draft.location),
                        \(bind: draft.treatment), \(session.instant(now)), \(session.instant(now)))
                RETURNING id
                """)!.id("id")
            let created = try await Self.note(session, id, visibleTo: nil)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "note", entityID: id.rawValue, clientID: clientID,
                                      action: "create", changes: AuditLog.diff([:], Self.flatten(created)))
            return created
        }
    }

    /// Only the author changes a note.
    public func update(_ id: Note.ID, _ draft: NoteDraft, expectedVersion: Int64, by viewer: Viewer) async throws -> Note {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.note(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            guard before.authorID == viewer.id else { throw StoreError.forbidden }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            try await session.run("""
                UPDATE notes SET body = \(bind: draft.text), location = \(bind: draft.location), treatment = \(bind: draft.treatment),
                    version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            let after = try await Self.note(session, id, visibleTo: nil)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "note", entityID: id.rawValue,
                                      clientID: before.clientID, action: "update",
                                      changes: AuditLog.diff(Self.flatten(before), Self.flatten(after)))
            return after
        }
    }

    /// Level 1 only; the audit event keeps what the note said.
    public func delete(_ id: Note.ID, by viewer: Viewer) async throws {
        try await database.write { session in
            guard let before = try await Self.note(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            guard viewer.canDeleteNotes else { throw StoreError.forbidden }
            try await session.run("DELETE FROM notes WHERE id = \(bind: id.rawValue)")
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "note", entityID: id.rawValue,
                                      clientID: before.clientID, action: "delete", changes: AuditLog.diff(Self.flatten(before), [:]))
        }
    }

    public func note(_ id: Note.ID, by viewer: Viewer) async throws -> Note? {
        try await database.read { try await Self.note($0, id, visibleTo: viewer) }
    }

    public func list(_ query: NoteQuery, by viewer: Viewer) async throws -> [NoteListing] {
        try await database.read { session in
            try await session.rows("\(Self.select(session, query, viewer: viewer)) LIMIT \(literal: query.limit)").map(Self.listing)
        }
    }

    /// Every note the report's query matches, streamed (downloads).
    public func export(_ query: NoteQuery, by viewer: Viewer, _ each: @escaping @Sendable (NoteListing) -> Void) async throws {
        try await database.longRead { session in
            let failure = Mutex<(any Error)?>(nil)
            try await session.stream(Self.select(session, query, viewer: viewer)) { row in
                do { each(try Self.listing(row)) } catch { failure.withLock { $0 = $0 ?? error } }
            }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }

    // MARK: SQL

    /// The report's rows: each note with its rank among its client's notes, so
    /// "last three per client" is one window function on both databases.
    static func select(_ session: Session, _ query: NoteQuery, viewer: Viewer) -> SQLQueryString {
        var parts: [SQLQueryString] = [OperationScope.of(viewer).predicate(session, owner: "n.author_id", assignee: "n.author_id")]
        if let client = query.clientID { parts.append("n.client_id = \(bind: client.rawValue)") }
        if let branch = query.branchID { parts.append("u.branch_id = \(bind: branch.rawValue)") }
        if let department = query.departmentID { parts.append("u.department_id = \(bind: department.rawValue)") }
        if let author = query.authorID { parts.append("n.author_id = \(bind: author.rawValue)") }
        if let from = query.from { parts.append("n.created_at >= \(session.instant(from))") }
        if let to = query.to { parts.append("n.created_at < \(session.instant(to))") }
        let order: SQLQueryString = query.groupByDepartment
            ? "COALESCE(x.department_name, ''), x.name_key, x.created_at DESC, x.id DESC" : "x.created_at DESC, x.id DESC"
        return """
            SELECT * FROM (
                SELECT n.*, c.client_number, c.legal_name, c.name_key, u.name AS author_name, d.name AS department_name,
                    b.name AS branch_name,
                    ROW_NUMBER() OVER (PARTITION BY n.client_id ORDER BY n.created_at DESC, n.id DESC) AS rank_in_client
                FROM notes n JOIN clients c ON c.id = n.client_id JOIN users u ON u.id = n.author_id
                LEFT JOIN departments d ON d.id = u.department_id LEFT JOIN branches b ON b.id = u.branch_id
                WHERE \(parts.joined(separator: " AND "))
            ) x
            WHERE \(query.lastThreePerClient ? "x.rank_in_client <= 3" : "1 = 1" as SQLQueryString)
            ORDER BY \(order)
            """
    }

    static func note(_ session: Session, _ id: Note.ID, visibleTo viewer: Viewer?) async throws -> Note? {
        let predicate: SQLQueryString = viewer.map {
            OperationScope.of($0).predicate(session, owner: "n.author_id", assignee: "n.author_id")
        } ?? "1 = 1"
        return try await session.first("""
            SELECT n.* FROM notes n JOIN clients c ON c.id = n.client_id WHERE n.id = \(bind: id.rawValue) AND \(predicate)
            """).map(note)
    }

    static func note(_ row: Row) throws -> Note {
        Note(id: try row.id("id"), clientID: try row.id("client_id"), authorID: try row.id("author_id"),
             draft: NoteDraft(text: try row.string("body"), location: try row.optString("location"),
                              treatment: try row.optString("treatment")),
             version: try row.int("version"), createdAt: try row.instant("created_at"))
    }

    static func listing(_ row: Row) throws -> NoteListing {
        NoteListing(note: try note(row), clientNumber: try row.int("client_number"), clientName: try row.string("legal_name"),
                    authorName: try row.string("author_name"), departmentName: try row.optString("department_name"),
                    branchName: try row.optString("branch_name"))
    }

    static func flatten(_ n: Note) -> [String: String] {
        var out = ["text": n.draft.text]
        out["location"] = n.draft.location
        out["treatment"] = n.draft.treatment
        return out
    }
}
