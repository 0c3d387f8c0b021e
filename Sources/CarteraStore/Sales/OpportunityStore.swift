import CarteraCore
import Foundation
import SQLKit
import Synchronization

/// An opportunity as lists and boards show it.
public struct OpportunityListing: Sendable, Hashable {
    public let opportunity: Opportunity
    public let clientNumber: Int64
    public let clientName: String
    public let contactName: String?
    public let typeName: String?
    public let agentName: String
}

/// Which opportunities a list asks for; rule 2 always applies (owner: the creator, assignee: the agent).
public struct OpportunityQuery: Sendable, Hashable {
    /// Whose: the agent.
    public var agent: PersonFilter
    public var statuses: Set<Opportunity.Status>
    public var clientID: Client.ID?
    public var typeID: OpportunityType.ID?
    /// `[from, to)` on the creation instant.
    public var from: Date?
    public var to: Date?
    public var limit: Int
    public var offset: Int

    public init(agent: PersonFilter = .anyone, statuses: Set<Opportunity.Status> = [], clientID: Client.ID? = nil,
                typeID: OpportunityType.ID? = nil, from: Date? = nil, to: Date? = nil, limit: Int = 200, offset: Int = 0) {
        self.agent = agent; self.statuses = statuses; self.clientID = clientID; self.typeID = typeID; self.from = from; self.to = to
        self.limit = max(1, min(limit, 500)); self.offset = max(0, offset)
    }
}

/// Opportunities: opened on clients the user sees, read under rule 2, moved
/// through their statuses with a history row per step, audited on the client.
public struct OpportunityStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func types() async throws -> [OpportunityType] {
        try await database.read { session in
            try await session.rows("SELECT * FROM opportunity_types ORDER BY name_key").map {
                OpportunityType(id: try $0.id("id"), name: try $0.string("name"), active: try $0.bool("active"), version: try $0.int("version"))
            }
        }
    }

    public func createType(name: String?, by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        _ = try await OrganisationStore(database: database, clock: clock).createNamed(.opportunityTypes, name: name, by: viewer.id)
    }

    public func updateType(_ id: OpportunityType.ID, name: String?, active: Bool, expectedVersion: Int64, by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        try await OrganisationStore(database: database, clock: clock).updateNamed(.opportunityTypes, id.rawValue, name: name, active: active,
                                                                                 expectedVersion: expectedVersion, by: viewer.id)
    }

    public func create(clientID: Client.ID, _ draft: OpportunityDraft, by viewer: Viewer) async throws -> Opportunity {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            try await Self.checkReferences(session, draft, clientID: clientID)
            let id: Opportunity.ID = try await session.first("""
                INSERT INTO opportunities (client_id, contact_id, type_id, agent_id, owner_id, subject, observations, heard_from, status,
                    created_at, updated_at)
                VALUES (\(bind: clientID.rawValue), \(bind: draft.contactID?.rawValue), \(bind: draft.typeID?.rawValue),
                    \(bind: draft.agentID.rawValue), \(bind: viewer.id.rawValue), \(bind: draft.subject), \(bind: draft.observations),
                    \(bind: draft.heardFrom), 'new', \(session.instant(now)), \(session.instant(now)))
                RETURNING id
                """)!.id("id")
            try await Self.recordEvent(session, id, OpportunityStep(to: .new, comment: draft.observations), by: viewer.id, at: now)
            let created = try await Self.opportunity(session, id, visibleTo: nil)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "opportunity", entityID: id.rawValue, clientID: clientID,
                                      action: "create", changes: AuditLog.diff([:], Self.flatten(created)))
            return created
        }
    }

    /// Edits what was written when opening it (subject, agent, type…); the status moves only by `step`.
    public func update(_ id: Opportunity.ID, _ draft: OpportunityDraft, expectedVersion: Int64, by viewer: Viewer) async throws -> Opportunity {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.opportunity(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            try await Self.checkReferences(session, draft, clientID: before.clientID)
            try await session.run("""
                UPDATE opportunities SET contact_id = \(bind: draft.contactID?.rawValue), type_id = \(bind: draft.typeID?.rawValue),
                    agent_id = \(bind: draft.agentID.rawValue), subject = \(bind: draft.subject), observations = \(bind: draft.observations),
                    heard_from = \(bind: draft.heardFrom), version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            let after = try await Self.opportunity(session, id, visibleTo: nil)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "opportunity", entityID: id.rawValue,
                                      clientID: before.clientID, action: "update", changes: AuditLog.diff(Self.flatten(before), Self.flatten(after)))
            return after
        }
    }

    /// Moves the opportunity to the step's status (Waiting with its next contact date, Working with
    /// its follow-up, Closed with the invoice, Lost with why and what to improve), writing the step
    /// to its history in the same transaction.
    public func step(_ id: Opportunity.ID, _ step: OpportunityStep, expectedVersion: Int64, timeZone: TimeZone,
                     by viewer: Viewer) async throws -> Opportunity {
        let now = clock.now()
        let today = LocalDateTime.day(now, timeZone: timeZone)
        return try await database.write { session in
            guard let before = try await Self.opportunity(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            let step = try step.validated(from: before.status, today: today)
            try await session.run("""
                UPDATE opportunities SET status = \(bind: step.to.rawValue), next_contact_on = \(bind: step.nextContactOn?.description),
                    invoice_number = \(bind: step.invoiceNumber ?? before.invoiceNumber), version = version + 1,
                    updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            try await Self.recordEvent(session, id, step, by: viewer.id, at: now)
            let after = try await Self.opportunity(session, id, visibleTo: nil)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "opportunity", entityID: id.rawValue,
                                      clientID: before.clientID, action: step.to.rawValue,
                                      changes: AuditLog.diff(Self.flatten(before), Self.flatten(after)))
            return after
        }
    }

    public func opportunity(_ id: Opportunity.ID, by viewer: Viewer) async throws -> Opportunity? {
        try await database.read { try await Self.opportunity($0, id, visibleTo: viewer) }
    }

    /// The opportunity with the names lists show.
    public func listing(_ id: Opportunity.ID, by viewer: Viewer) async throws -> OpportunityListing? {
        try await database.read { session in
            try await session.first("""
                \(Self.select) WHERE o.id = \(bind: id.rawValue)
                    AND \(OperationScope.of(viewer).predicate(session, owner: "o.owner_id", assignee: "o.agent_id"))
                """).map(Self.listing)
        }
    }

    /// The steps, oldest first, with who took them; empty outside the viewer's scope.
    public func history(of id: Opportunity.ID, by viewer: Viewer) async throws -> [OpportunityEvent] {
        try await database.read { session in
            guard try await Self.opportunity(session, id, visibleTo: viewer) != nil else { return [] }
            return try await session.rows("""
                SELECT e.*, u.name AS user_name FROM opportunity_events e JOIN users u ON u.id = e.user_id
                WHERE e.opportunity_id = \(bind: id.rawValue) ORDER BY e.at, e.id
                """).map { row in
                let status = Opportunity.Status(rawValue: try row.string("status")) ?? .new
                return OpportunityEvent(
                    status: status,
                    step: OpportunityStep(to: status, comment: try row.optString("comment"),
                                          nextContactOn: try row.optString("next_contact_on").flatMap(CalendarDate.init),
                                          invoiceNumber: try row.optString("invoice_number"), lostReason: try row.optString("lost_reason"),
                                          improvement: try row.optString("improvement")),
                    userID: try row.id("user_id"), userName: try row.string("user_name"), at: try row.instant("at"))
            }
        }
    }

    public func list(_ query: OpportunityQuery, by viewer: Viewer) async throws -> [OpportunityListing] {
        try await database.read { session in
            try await session.rows("""
                \(Self.select) WHERE \(Self.filter(session, query, viewer))
                ORDER BY o.created_at DESC, o.id DESC LIMIT \(literal: query.limit) OFFSET \(literal: query.offset)
                """).map(Self.listing)
        }
    }

    /// Every opportunity the query matches, streamed (downloads).
    public func export(_ query: OpportunityQuery, by viewer: Viewer, _ each: @escaping @Sendable (OpportunityListing) -> Void) async throws {
        try await database.longRead { session in
            let failure = Mutex<(any Error)?>(nil)
            try await session.stream("\(Self.select) WHERE \(Self.filter(session, query, viewer)) ORDER BY o.created_at DESC, o.id DESC") { row in
                do { each(try Self.listing(row)) } catch { failure.withLock { $0 = $0 ?? error } }
            }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }

    /// The viewer's waiting opportunities whose next contact date is on or after `from` (the calendar feed).
    public func nextContacts(from: CalendarDate, by viewer: Viewer, limit: Int = 500) async throws -> [OpportunityListing] {
        try await database.read { session in
            try await session.rows("""
                \(Self.select) WHERE o.agent_id = \(bind: viewer.id.rawValue) AND o.status = 'waiting'
                    AND o.next_contact_on >= \(bind: from.description)
                    AND \(OperationScope.of(viewer).predicate(session, owner: "o.owner_id", assignee: "o.agent_id"))
                ORDER BY o.next_contact_on, o.id LIMIT \(literal: limit)
                """).map(Self.listing)
        }
    }

    // MARK: SQL

    static let select: SQLQueryString = """
        SELECT o.*, c.client_number, c.legal_name, k.name AS contact_name, t.name AS type_name, a.name AS agent_name
        FROM opportunities o JOIN clients c ON c.id = o.client_id JOIN users a ON a.id = o.agent_id
        LEFT JOIN contacts k ON k.id = o.contact_id LEFT JOIN opportunity_types t ON t.id = o.type_id
        """

    static func filter(_ session: Session, _ query: OpportunityQuery, _ viewer: Viewer) -> SQLQueryString {
        var parts: [SQLQueryString] = [OperationScope.of(viewer).predicate(session, owner: "o.owner_id", assignee: "o.agent_id")]
        if let agent = query.agent.condition("o.agent_id", viewer: viewer) { parts.append(agent) }
        if !query.statuses.isEmpty {
            parts.append("o.status IN (\(query.statuses.sorted { $0.rawValue < $1.rawValue }.map { "\(bind: $0.rawValue)" as SQLQueryString }.joined(separator: ", ")))")
        }
        if let client = query.clientID { parts.append("o.client_id = \(bind: client.rawValue)") }
        if let type = query.typeID { parts.append("o.type_id = \(bind: type.rawValue)") }
        if let from = query.from { parts.append("o.created_at >= \(session.instant(from))") }
        if let to = query.to { parts.append("o.created_at < \(session.instant(to))") }
        return parts.joined(separator: " AND ")
    }

    static func checkReferences(_ session: Session, _ d: OpportunityDraft, clientID: Client.ID) async throws {
        var errors: [FieldError] = []
        if try await !References.isActiveUser(session, d.agentID) { errors.append(FieldError("agentId", "unknown_reference")) }
        if let contact = d.contactID, try await !References.isContact(session, contact, of: clientID) {
            errors.append(FieldError("contactId", "unknown_reference"))
        }
        if let type = d.typeID, try await session.first("SELECT id FROM opportunity_types WHERE id = \(bind: type.rawValue)") == nil {
            errors.append(FieldError("typeId", "unknown_reference"))
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    static func recordEvent(_ session: Session, _ id: Opportunity.ID, _ step: OpportunityStep, by userID: User.ID, at now: Date) async throws {
        try await session.run("""
            INSERT INTO opportunity_events (opportunity_id, status, comment, next_contact_on, invoice_number, lost_reason, improvement, user_id, at)
            VALUES (\(bind: id.rawValue), \(bind: step.to.rawValue), \(bind: step.comment), \(bind: step.nextContactOn?.description),
                \(bind: step.invoiceNumber), \(bind: step.lostReason), \(bind: step.improvement), \(bind: userID.rawValue), \(session.instant(now)))
            """)
    }

    static func opportunity(_ session: Session, _ id: Opportunity.ID, visibleTo viewer: Viewer?) async throws -> Opportunity? {
        let predicate: SQLQueryString = viewer.map {
            OperationScope.of($0).predicate(session, owner: "o.owner_id", assignee: "o.agent_id")
        } ?? "1 = 1"
        return try await session.first("""
            SELECT o.* FROM opportunities o JOIN clients c ON c.id = o.client_id WHERE o.id = \(bind: id.rawValue) AND \(predicate)
            """).map(opportunity)
    }

    static func opportunity(_ row: Row) throws -> Opportunity {
        let draft = OpportunityDraft(contactID: try row.optID("contact_id"), typeID: try row.optID("type_id"), agentID: try row.id("agent_id"),
                                     subject: try row.string("subject"), observations: try row.optString("observations"),
                                     heardFrom: try row.optString("heard_from"))
        return Opportunity(id: try row.id("id"), clientID: try row.id("client_id"), draft: draft, ownerID: try row.id("owner_id"),
                           status: Opportunity.Status(rawValue: try row.string("status")) ?? .new,
                           nextContactOn: try row.optString("next_contact_on").flatMap(CalendarDate.init),
                           invoiceNumber: try row.optString("invoice_number"), version: try row.int("version"),
                           createdAt: try row.instant("created_at"))
    }

    static func listing(_ row: Row) throws -> OpportunityListing {
        OpportunityListing(opportunity: try opportunity(row), clientNumber: try row.int("client_number"), clientName: try row.string("legal_name"),
                           contactName: try row.optString("contact_name"), typeName: try row.optString("type_name"),
                           agentName: try row.string("agent_name"))
    }

    static func flatten(_ o: Opportunity) -> [String: String] {
        var out = ["subject": o.draft.subject, "agentId": o.draft.agentID.description, "status": o.status.rawValue]
        out["typeId"] = o.draft.typeID?.description
        out["contactId"] = o.draft.contactID?.description
        out["observations"] = o.draft.observations
        out["heardFrom"] = o.draft.heardFrom
        out["nextContactOn"] = o.nextContactOn?.description
        out["invoiceNumber"] = o.invoiceNumber
        return out
    }
}
