/// Rule 1 of DESIGN.md "Organisation and access": which clients a user sees.
/// The store turns it into one SQL predicate used by every read of clients.
public enum ClientScope: Sendable, Hashable {
    /// Every client.
    case all
    /// Clients of the assigned groups, clients whose sales agent or collector is
    /// in the team, and clients with work assigned to the user.
    case restricted(groupIDs: Set<ClientGroup.ID>, teamIDs: Set<User.ID>, userID: User.ID)

    /// Admins and users without client groups see every client (seed 000, "Grupos de Clientes").
    public static func of(_ viewer: Viewer) -> ClientScope {
        if viewer.isAdmin || viewer.user.clientGroupIDs.isEmpty { return .all }
        return .restricted(groupIDs: Set(viewer.user.clientGroupIDs), teamIDs: viewer.teamIDs, userID: viewer.id)
    }
}

/// Rule 2: which operations (notes, activities, follow-ups, orders,
/// opportunities, leads) a user sees, by access level on the owner's *current*
/// branch and department, plus assigned work and the manager chain — always
/// only on clients in the ``ClientScope``.
public struct OperationScope: Sendable, Hashable {
    public enum Reach: Sendable, Hashable {
        case company
        case branch(Branch.ID?)
        case department(Department.ID?)
        case own
    }

    public let reach: Reach
    /// Owners whose operations are visible at any level: the user and their subordinates.
    public let teamIDs: Set<User.ID>
    /// Operations assigned to this user are visible at any level.
    public let userID: User.ID
    public let clients: ClientScope

    public static func of(_ viewer: Viewer) -> OperationScope {
        let reach: Reach
        switch viewer.accessLevel {
        case .company: reach = .company
        case .branch: reach = .branch(viewer.user.branchID)
        case .department: reach = .department(viewer.user.departmentID)
        case .own: reach = .own
        }
        return OperationScope(reach: reach, teamIDs: viewer.teamIDs, userID: viewer.id, clients: .of(viewer))
    }

    /// Whether an operation is visible, given its owner's current branch and
    /// department, its assignee, and whether its client is in the client scope.
    /// The store's SQL predicate mirrors this function; tests hold them together.
    public func allows(ownerID: User.ID, ownerBranchID: Branch.ID?, ownerDepartmentID: Department.ID?,
                       assigneeID: User.ID?, clientVisible: Bool) -> Bool {
        guard clientVisible else { return false }
        if teamIDs.contains(ownerID) || assigneeID == userID { return true }
        switch reach {
        case .company: return true
        case .branch(let branch): return branch != nil && ownerBranchID == branch
        case .department(let department): return department != nil && ownerDepartmentID == department
        case .own: return false
        }
    }
}
