/// What a role allows. A permission says *what* a user may do; the scopes say
/// *to which records* (DESIGN.md "Roles and permissions").
public enum Permission: String, Sendable, Codable, CaseIterable, Hashable {
    case manageUsers = "manage_users"
    case manageSettings = "manage_settings"
    case editClients = "edit_clients"
    case archiveClients = "archive_clients"
    case importData = "import"
    case exportData = "export"
    case changeSalesAgent = "change_sales_agent"
    case verifyOrders = "verify_orders"
}

/// A named, editable set of permissions ("perfil de acceso").
public struct Role: Hashable, Sendable, Codable {
    public typealias ID = EntityID<Role>
    public var id: ID
    /// Stable key of a seeded role (`admin`, `supervisor`, …); new roles get a slug.
    public var key: String
    public var name: String
    public var permissions: Set<Permission>
    public var version: Int64

    public init(id: ID, key: String, name: String, permissions: Set<Permission>, version: Int64) {
        self.id = id; self.key = key; self.name = name; self.permissions = permissions; self.version = version
    }

    /// The admin role always has every permission, is level 1 and sees every client.
    public var isAdmin: Bool { key == Role.adminKey }
    public static let adminKey = "admin"

    /// The roles every new company starts with.
    public static let seeded: [(key: String, nameES: String, permissions: Set<Permission>)] = [
        ("admin", "Administrador", Set(Permission.allCases)),
        ("supervisor", "Supervisor", [.editClients, .archiveClients, .exportData, .changeSalesAgent, .verifyOrders]),
        ("agent", "Agente de ventas", [.editClients, .exportData]),
        ("technician", "Técnico", []),
        ("collector", "Agente de cobranza", [.exportData]),
    ]
}

/// Access level 1–4 (seed 002): 1 company, 2 branch, 3 department, 4 own.
public enum AccessLevel: Int, Sendable, Codable, CaseIterable, Comparable {
    case company = 1, branch = 2, department = 3, own = 4
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
