import CarteraCore
import Foundation
import SQLKit

/// The orders report (seed 001, "Reportes de órdenes"): counts by status,
/// assignee and category, with the average time to finish and rating.
public struct WorkOrderReport: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        /// The status, assignee or category name; nil for "none" (unassigned, no category).
        public let label: String?
        public let count: Int
        public let finished: Int
        /// Hours from creation to finishing, over finished orders (orders recorded after the work was done, finished
        /// before they were created, are left out of the average).
        public let averageHoursToFinish: Double?
        public let averageRating: Double?
    }
    public let total: Group
    public let byStatus: [Group]
    public let byAssignee: [Group]
    public let byCategory: [Group]
}

extension WorkOrderStore {
    /// The report over the orders `query` matches (its paging ignored), within the viewer's scope.
    public func report(_ query: WorkOrderQuery, by viewer: Viewer) async throws -> WorkOrderReport {
        try await database.read { session in
            let hours: SQLQueryString = switch session.kind {
            case .sqlite: "(o.finished_at - o.created_at) / 3600000.0"
            case .postgres: "EXTRACT(EPOCH FROM (o.finished_at - o.created_at)) / 3600.0"
            }
            let measures: SQLQueryString = """
                COUNT(*) AS n, SUM(CASE WHEN o.finished_at IS NOT NULL THEN 1 ELSE 0 END) AS finished,
                CAST(AVG(CASE WHEN o.finished_at >= o.created_at THEN \(hours) END) AS DOUBLE PRECISION) AS hours, CAST(AVG(o.rating * 1.0) AS DOUBLE PRECISION) AS rating
                """
            let from: SQLQueryString = """
                FROM work_orders o JOIN clients c ON c.id = o.client_id LEFT JOIN users u ON u.id = o.assignee_id
                LEFT JOIN activity_categories g ON g.id = o.category_id
                WHERE \(Self.filter(session, query, viewer: viewer))
                """
            func groups(_ label: SQLQueryString, _ key: SQLQueryString) async throws -> [WorkOrderReport.Group] {
                try await session.rows("""
                    SELECT \(label) AS label, \(measures) \(from) GROUP BY \(key) ORDER BY n DESC, label
                    """).map(Self.group)
            }
            let total = try await session.rows("SELECT NULL AS label, \(measures) \(from)").map(Self.group).first!
            return WorkOrderReport(total: total, byStatus: try await groups("o.status", "o.status"),
                                   byAssignee: try await groups("u.name", "o.assignee_id, u.name"),
                                   byCategory: try await groups("g.name", "o.category_id, g.name"))
        }
    }

    static func group(_ row: Row) throws -> WorkOrderReport.Group {
        WorkOrderReport.Group(label: try row.optString("label"), count: Int(try row.int("n")), finished: Int(try row.optInt("finished") ?? 0),
                              averageHoursToFinish: try row.double("hours"), averageRating: try row.double("rating"))
    }
}
