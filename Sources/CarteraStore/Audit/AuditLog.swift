import CarteraCore
import Foundation
import SQLKit

/// One field's change in an audit event.
public struct AuditChange: Codable, Hashable, Sendable {
    public let field: String
    public let before: String?
    public let after: String?

    public init(field: String, before: String?, after: String?) {
        self.field = field; self.before = before; self.after = after
    }
}

/// An entry of a record's history.
public struct AuditEvent: Hashable, Sendable {
    public let id: Int64
    public let at: Date
    public let userID: User.ID?
    public let userName: String?
    public let entity: String
    public let entityID: Int64
    public let action: String
    public let changes: [AuditChange]
}

/// Which events a client's history shows; the field-service kinds follow DESIGN.md "What counts".
public enum HistoryKind: String, Sendable, CaseIterable {
    case all, visits, workOrders = "work_orders", services, forms, deliveries, equipment, engagement, client

    /// A condition on the audit event `a` (fixed text: no input reaches it).
    var condition: String {
        switch self {
        case .all: "1 = 1"
        // A visit: a saved form or a finished order (DESIGN.md).
        case .visits: "((a.entity = 'work_order' AND a.action = 'finish') OR (a.entity = 'form' AND a.action = 'create'))"
        case .workOrders: "a.entity IN ('work_order', 'recurring_order_rule')"
        case .services: "(a.entity = 'work_order' AND a.action IN ('service', 'finish'))"
        case .forms: "a.entity = 'form'"
        case .deliveries: "a.entity = 'delivery'"
        case .equipment: "a.entity = 'asset'"
        case .engagement: "a.entity IN ('follow_up', 'activity', 'note', 'project')"
        case .client: "a.entity IN ('client', 'contact')"
        }
    }
}

/// Writes audit events inside the caller's transaction and reads history.
enum AuditLog {
    /// The fields that differ between two flattened records.
    static func diff(_ before: [String: String], _ after: [String: String]) -> [AuditChange] {
        if before.isEmpty {
            return after.sorted { $0.key < $1.key }.map { AuditChange(field: $0.key, before: nil, after: $0.value) }
        }
        return Set(before.keys).union(after.keys).sorted().compactMap { key in
            before[key] == after[key] ? nil : AuditChange(field: key, before: before[key], after: after[key])
        }
    }

    static func record(_ session: Session, at: Date, userID: User.ID?, entity: String, entityID: Int64,
                       clientID: Client.ID?, action: String, changes: [AuditChange]) async throws {
        try await session.run("""
            INSERT INTO audit_events (at, user_id, entity, entity_id, client_id, action, changes)
            VALUES (\(session.instant(at)), \(bind: userID?.rawValue), \(bind: entity), \(bind: entityID),
                    \(bind: clientID?.rawValue), \(bind: action), \(bind: changes.jsonString()))
            """)
    }

    /// The history of a client and its contacts, newest first.
    static func clientHistory(_ session: Session, clientID: Client.ID, viewer: Viewer, limit: Int,
                              kind: HistoryKind = .all, before: Int64? = nil) async throws -> [AuditEvent] {
        let scope = OperationScope.of(viewer)
        let followUps = scope.predicate(session, owner: "f.owner_id", assignee: "f.responsible_id")
        let activities = scope.predicate(session, owner: "x.owner_id", assignee: "x.owner_id")
        // Level 1 sees every note, deleted ones' events included.
        let notes = scope.predicate(session, owner: "n.author_id", assignee: "n.author_id")
        let orders = scope.predicate(session, owner: "o.owner_id", assignee: "o.assignee_id")
        return try await session.rows("""
            SELECT a.id, a.at, a.user_id, u.name AS user_name, a.entity, a.entity_id, a.action, a.changes
            FROM audit_events a LEFT JOIN users u ON u.id = a.user_id
            WHERE a.client_id = \(bind: clientID.rawValue) AND \(unsafeRaw: kind.condition) AND a.id < \(bind: before ?? Int64.max)
              AND (a.entity NOT IN ('follow_up', 'activity', 'note', 'work_order')
                   OR (a.entity = 'follow_up' AND EXISTS (SELECT 1 FROM follow_ups f JOIN clients c ON c.id = f.client_id
                                                          WHERE f.id = a.entity_id AND \(followUps)))
                   OR (a.entity = 'activity' AND EXISTS (SELECT 1 FROM activities x JOIN clients c ON c.id = x.client_id
                                                         WHERE x.id = a.entity_id AND \(activities)))
                   OR (a.entity = 'work_order' AND EXISTS (SELECT 1 FROM work_orders o JOIN clients c ON c.id = o.client_id
                                                           WHERE o.id = a.entity_id AND \(orders)))
                   OR (a.entity = 'note' AND (\(unsafeRaw: viewer.canDeleteNotes ? "1 = 1" : "1 = 0")
                                              OR EXISTS (SELECT 1 FROM notes n JOIN clients c ON c.id = n.client_id
                                                         WHERE n.id = a.entity_id AND \(notes)))))
            ORDER BY a.id DESC LIMIT \(literal: limit)
            """).map(event)
    }

    /// The events of one record, newest first; the caller has checked it may be seen.
    static func entityHistory(_ session: Session, entity: String, id: Int64) async throws -> [AuditEvent] {
        try await session.rows("""
            SELECT a.id, a.at, a.user_id, u.name AS user_name, a.entity, a.entity_id, a.action, a.changes
            FROM audit_events a LEFT JOIN users u ON u.id = a.user_id
            WHERE a.entity = \(bind: entity) AND a.entity_id = \(bind: id)
            ORDER BY a.id DESC
            """).map(event)
    }

    static func event(_ row: Row) throws -> AuditEvent {
        AuditEvent(id: try row.int("id"), at: try row.instant("at"), userID: try row.optID("user_id"),
                   userName: try row.optString("user_name"), entity: try row.string("entity"),
                   entityID: try row.int("entity_id"), action: try row.string("action"),
                   changes: try row.json("changes", as: [AuditChange].self))
    }
}
