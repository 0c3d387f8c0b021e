import CarteraCore
import Foundation
import SQLKit

/// Writes a realistic demo company: organisation, users at every access level,
/// catalogues, custom fields, and `clients` clients with contacts and past
/// visits (`DemoClients.swift`), then a few of everything else.
public struct DemoGenerator: Sendable {
    let stores: Stores
    let clock: Clock

    public init(stores: Stores, clock: Clock = .live) { self.stores = stores; self.clock = clock }

    /// What the demo created, for printing.
    public struct Summary: Sendable {
        public let adminEmail: String
        public let clients: Int
        public let contacts: Int
        public let users: Int
    }

    public static let adminEmail = "admin@demo.cartera"

    /// Whether the database already holds a company (demo or real).
    public func isEmpty() async throws -> Bool { try await stores.organisation.company() == nil }

    /// Creates the demo company. `adminPasswordHash` is the admin's bcrypt hash.
    public func generate(clients count: Int, adminPasswordHash: String, seed: UInt64 = 2026) async throws -> Summary {
        var random = SeededRandom(seed: seed)
        _ = try await stores.organisation.saveCompany(name: "Distribuidora Andina S.A.", country: "AR", currency: "ARS",
                                                      locale: "es", timeZone: "America/Argentina/Buenos_Aires",
                                                      expectedVersion: nil, by: nil)
        try await stores.organisation.seedRoles()
        let roles = Dictionary(uniqueKeysWithValues: try await stores.organisation.roles().map { ($0.key, $0.id) })
        let branchNames = ["Buenos Aires", "Córdoba", "Lima", "Ciudad de México"]
        var branches: [Branch.ID] = []
        for name in branchNames { branches.append(try await stores.organisation.createBranch(name: name, by: nil)) }
        var departments: [String: Department.ID] = [:]
        for name in ["Ventas", "Servicio técnico", "Cobranzas", "Administración"] {
            departments[name] = try await stores.organisation.createDepartment(name: name, by: nil)
        }
        var groups: [ClientGroup.ID] = []
        for name in ["Zona Norte", "Zona Sur", "Zona Centro", "Cuentas clave"] {
            groups.append(try await stores.catalogues.createClientGroup(name: name, userIDs: [], by: nil))
        }
        var types: [ClientType.ID] = []
        for (name, color, icon) in [("Comercio", "#1f6feb", "store"), ("Industria", "#b35900", "factory"),
                                    ("Residencial", "#2e7d32", "home"), ("Oficina", "#6f42c1", "office")] {
            types.append(try await stores.catalogues.createClientType(name: name, color: color, icon: icon, by: nil))
        }
        let catalogues = stores.catalogues
        _ = try await catalogues.createCustomField(labelES: "Rubro", labelEN: "Industry", type: .text, required: false,
                                                   showInList: true, choices: [], by: nil)
        _ = try await catalogues.createCustomField(labelES: "Cantidad de equipos", labelEN: "Installed units", type: .integer,
                                                   required: false, showInList: false, choices: [], by: nil)
        _ = try await catalogues.createCustomField(labelES: "Cliente VIP", labelEN: "VIP client", type: .checkbox,
                                                   required: false, showInList: false, choices: [], by: nil)
        _ = try await catalogues.createCustomField(labelES: "Frecuencia de visita", labelEN: "Visit frequency", type: .choice,
                                                   required: false, showInList: false,
                                                   choices: ["Semanal", "Quincenal", "Mensual", "Trimestral"], by: nil)
        _ = try await catalogues.createCustomField(labelES: "Foto del frente", labelEN: "Front photo", type: .photoURL,
                                                   required: false, showInList: false, choices: [], by: nil)

        func user(_ email: String, _ name: String, _ role: String, _ level: AccessLevel, branch: Int, department: String,
                  manager: User.ID? = nil, groups: [ClientGroup.ID] = [], hash: String? = nil) async throws -> User.ID {
            try await stores.users.create(UserDraft(
                email: email, name: name, roleIDs: [roles[role]!], accessLevel: level, branchID: branches[branch],
                departmentID: departments[department], managerID: manager, language: .es,
                timeZone: branch == 2 ? "America/Lima" : branch == 3 ? "America/Mexico_City" : "America/Argentina/Buenos_Aires",
                clientGroupIDs: groups), passwordHash: hash, by: nil)
        }
        let admin = try await user(Self.adminEmail, "Administración Demo", "admin", .company, branch: 0,
                                   department: "Administración", hash: adminPasswordHash)
        var agents: [User.ID] = []
        var collectors: [User.ID] = []
        var technicians: [User.ID] = []
        for (index, branchName) in branchNames.enumerated() {
            let slug = Normalization.compactKey(branchName)
            let supervisor = try await user("supervisor.\(slug)@demo.cartera", "Supervisión \(branchName)", "supervisor", .branch,
                                            branch: index, department: "Ventas", manager: admin)
            for n in 1...2 {
                let name = "\(DemoData.givenNames[(index * 2 + n) % DemoData.givenNames.count]) \(DemoData.surnames[(index * 3 + n) % DemoData.surnames.count])"
                agents.append(try await user("agente\(n).\(slug)@demo.cartera", name, "agent", .own, branch: index,
                                             department: "Ventas", manager: supervisor, groups: [groups[(index + n) % groups.count]]))
            }
            technicians.append(try await user("tecnico.\(slug)@demo.cartera", "Técnico \(branchName)", "technician", .department, branch: index,
                               department: "Servicio técnico", manager: supervisor))
            collectors.append(try await user("cobranza.\(slug)@demo.cartera", "Cobranza \(branchName)", "collector", .own,
                                             branch: index, department: "Cobranzas", manager: supervisor))
        }
        let company = DemoCompany(types: types, groups: groups, branches: branches, agents: agents, collectors: collectors,
                                  technicians: technicians, admin: admin, definitions: try await catalogues.customFields())
        var source = DemoClientSource(company: company, random: random, visits: SeededRandom(seed: seed &+ 1), now: clock.now())
        let contacts = try await stores.database.bulkLoad(into: Self.bulkTables) { try await loadClients(count, from: &source) }
        random = source.random
        try await addFollowUps(for: [admin] + agents, random: &random)
        try await addActivities(for: [admin] + agents, random: &random)
        try await addNotes(for: [admin] + agents)
        try await addWorkOrders(for: technicians, by: admin, random: &random)
        try await addMaintenanceContracts(technicians: technicians, owner: admin)
        try await addSales(admin: admin, sellers: agents, random: &random)
        return Summary(adminEmail: Self.adminEmail, clients: count, contacts: contacts, users: 1 + branchNames.count * 5)
    }
}
