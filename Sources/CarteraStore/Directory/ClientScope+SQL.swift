import CarteraCore
import SQLKit

extension ClientScope {
    /// The one predicate (over alias `c`) that every read of clients applies.
    /// Work assigned to the user makes its client visible: follow-ups, work
    /// orders and leads — and every lead of a sales project the user manages.
    func predicate(_ session: Session) -> SQLQueryString {
        switch self {
        case .all:
            return "1 = 1"
        case .restricted(let groups, let team, let user):
            return """
                (c.client_group_id IN \(session.inList(groups)) OR c.sales_agent_id IN \(session.inList(team))
                 OR c.collector_id IN \(session.inList(team))
                 OR EXISTS (SELECT 1 FROM follow_ups w WHERE w.client_id = c.id AND w.responsible_id = \(bind: user.rawValue))
                 OR EXISTS (SELECT 1 FROM work_orders w WHERE w.client_id = c.id AND w.assignee_id = \(bind: user.rawValue))
                 OR EXISTS (SELECT 1 FROM sales_leads w WHERE w.client_id = c.id AND (w.responsible_id = \(bind: user.rawValue)
                    OR w.project_id IN (SELECT m.project_id FROM sales_project_members m
                                        WHERE m.user_id = \(bind: user.rawValue) AND m.role = 'manager'))))
                """
        }
    }
}
