import CarteraCore
import SQLKit

extension ClientScope {
    /// The one predicate (over alias `c`) that every read of clients applies.
    /// Work assigned to the user (orders, follow-ups, leads) joins this
    /// predicate when those tables exist.
    func predicate(_ session: Session) -> SQLQueryString {
        switch self {
        case .all:
            return "1 = 1"
        case .restricted(let groups, let team, _):
            return """
                (c.client_group_id IN \(session.inList(groups)) OR c.sales_agent_id IN \(session.inList(team))
                 OR c.collector_id IN \(session.inList(team)))
                """
        }
    }
}
