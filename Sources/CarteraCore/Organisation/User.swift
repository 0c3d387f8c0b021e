/// A person who logs in.
public struct User: Hashable, Sendable, Codable {
    public typealias ID = EntityID<User>
    public var id: ID
    public var email: String
    public var name: String
    public var roleIDs: [Role.ID]
    public var accessLevel: AccessLevel
    public var branchID: Branch.ID?
    public var departmentID: Department.ID?
    public var managerID: User.ID?
    public var language: Language
    public var timeZone: String
    public var active: Bool
    public var clientGroupIDs: [ClientGroup.ID]
    public var version: Int64

    public init(id: ID, email: String, name: String, roleIDs: [Role.ID], accessLevel: AccessLevel,
                branchID: Branch.ID?, departmentID: Department.ID?, managerID: User.ID?,
                language: Language, timeZone: String, active: Bool, clientGroupIDs: [ClientGroup.ID], version: Int64) {
        self.id = id; self.email = email; self.name = name; self.roleIDs = roleIDs
        self.accessLevel = accessLevel; self.branchID = branchID; self.departmentID = departmentID
        self.managerID = managerID; self.language = language; self.timeZone = timeZone; self.active = active
        self.clientGroupIDs = clientGroupIDs; self.version = version
    }
}

/// The user a request acts as, with everything the two access rules need.
/// Built once per request by the store; passed to every read.
public struct Viewer: Sendable, Hashable {
    public let user: User
    public let isAdmin: Bool
    public let permissions: Set<Permission>
    /// Everyone under the user in the manager chain (not the user).
    public let subordinateIDs: Set<User.ID>

    public init(user: User, isAdmin: Bool, permissions: Set<Permission>, subordinateIDs: Set<User.ID>) {
        self.user = user
        self.isAdmin = isAdmin
        self.permissions = isAdmin ? Set(Permission.allCases) : permissions
        self.subordinateIDs = subordinateIDs
    }

    public var id: User.ID { user.id }

    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// Admins are always level 1, whatever is stored.
    public var accessLevel: AccessLevel { isAdmin ? .company : user.accessLevel }

    /// The user and everyone under them.
    public var teamIDs: Set<User.ID> { subordinateIDs.union([user.id]) }
}
