import CarteraCore
import SQLKit

extension OperationScope {
    /// Rule 2 as SQL: the operation's owner and assignee columns (qualified,
    /// e.g. `f.owner_id`), with the client joined as `c`. Mirrors `allows`.
    func predicate(_ session: Session, owner: String, assignee: String) -> SQLQueryString {
        let reachSQL: SQLQueryString
        switch reach {
        case .company:
            // Everyone's operations: the team and assignee tests add nothing, and
            // SQLite would still parse and bind them on every query.
            return "(\(clients.predicate(session)))"
        case .branch(let branch?):
            reachSQL = "EXISTS (SELECT 1 FROM users owner_user WHERE owner_user.id = \(unsafeRaw: owner) AND owner_user.branch_id = \(bind: branch.rawValue))"
        case .department(let department?):
            reachSQL = """
                EXISTS (SELECT 1 FROM users owner_user WHERE owner_user.id = \(unsafeRaw: owner) AND owner_user.department_id = \(bind: department.rawValue))
                """
        case .branch(nil), .department(nil), .own:
            reachSQL = "1 = 0"
        }
        return """
            ((\(unsafeRaw: owner) IN \(session.inList(teamIDs)) OR \(unsafeRaw: assignee) = \(bind: userID.rawValue)
              OR \(reachSQL)) AND \(clients.predicate(session)))
            """
    }
}
