import CarteraCore
import Foundation
import SQLKit

/// The two people a client is assigned to, for the bulk change of seed 002.
public enum AgentRole: String, Sendable, CaseIterable {
    case salesAgent, collector

    var column: String { self == .salesAgent ? "sales_agent_id" : "collector_id" }
    /// The audited field, as in a client's history.
    var field: String { self == .salesAgent ? "salesAgentId" : "collectorId" }
}

/// A user and how many of the clients the viewer sees have them in a role.
public struct AgentLoad: Sendable, Hashable {
    public let userID: User.ID
    public let name: String
    public let active: Bool
    public let clients: Int
}

extension ClientStore {
    /// Everyone holding the role on clients the viewer sees (archived ones
    /// included), with their count, by name.
    public func agentLoads(_ role: AgentRole, by viewer: Viewer) async throws -> [AgentLoad] {
        guard viewer.can(.changeSalesAgent) else { throw StoreError.forbidden }
        return try await database.read { session in
            try await session.rows("""
                SELECT u.id, u.name, u.active, COUNT(*) AS clients FROM clients c JOIN users u ON u.id = c.\(unsafeRaw: role.column)
                WHERE \(ClientScope.of(viewer).predicate(session))
                GROUP BY u.id, u.name, u.name_key, u.active ORDER BY u.name_key, u.id
                """).map { row in
                AgentLoad(userID: try row.id("id"), name: try row.string("name"), active: try row.bool("active"),
                          clients: Int(try row.int("clients")))
            }
        }
    }

    /// Hands every client the viewer sees from one user to another (nil leaves
    /// them without one) in one transaction, with one audit event per client.
    /// Returns how many changed.
    public func reassign(_ role: AgentRole, from: User.ID, to: User.ID?, by viewer: Viewer) async throws -> Int {
        guard viewer.can(.changeSalesAgent) else { throw StoreError.forbidden }
        if to == from { throw ValidationFailure([FieldError("toUserId", "same_user")]) }
        let now = clock.now()
        return try await database.write { session in
            if let to, try await !References.isActiveUser(session, to) {
                throw ValidationFailure([FieldError("toUserId", "unknown_reference")])
            }
            let moving: SQLQueryString = """
                SELECT c.id FROM clients c WHERE c.\(unsafeRaw: role.column) = \(bind: from.rawValue)
                    AND \(ClientScope.of(viewer).predicate(session))
                """
            let change = [AuditChange(field: role.field, before: from.description, after: to?.description)].jsonString()
            try await session.run("""
                INSERT INTO audit_events (at, user_id, entity, entity_id, client_id, action, changes)
                SELECT \(session.instant(now)), \(bind: viewer.id.rawValue), 'client', m.id, m.id, 'reassign', \(bind: change)
                FROM (\(moving)) m
                """)
            return try await session.rows("""
                UPDATE clients SET \(unsafeRaw: role.column) = \(bind: to?.rawValue), version = version + 1,
                    updated_at = \(session.instant(now))
                WHERE id IN (\(moving)) RETURNING id
                """).count
        }
    }
}
