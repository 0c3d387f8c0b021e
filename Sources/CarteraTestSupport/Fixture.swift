import CarteraCore
import CarteraStore
import Foundation

/// A small company built through the stores, with a frozen clock.
public struct Fixture: Sendable {
    public let stores: Stores
    public let clock: Clock
    public let admin: Viewer

    public static let now = Date(timeIntervalSince1970: 1_790_000_000)

    public static func make(_ database: Database) async throws -> Fixture {
        let clock = Clock.fixed(now)
        let stores = Stores(database: database, clock: clock, sealingKey: SealingKey(secret: "la clave de las pruebas, no secreta"))
        _ = try await stores.organisation.saveCompany(name: "Demo S.A.", country: "AR", currency: "ARS", locale: "es",
                                                      timeZone: "America/Argentina/Buenos_Aires", expectedVersion: nil, by: nil)
        try await stores.organisation.seedRoles()
        let partial = Fixture(stores: stores, clock: clock, admin: Viewer(
            user: User(id: .init(0), email: "", name: "", roleIDs: [], accessLevel: .company, branchID: nil, departmentID: nil,
                       managerID: nil, language: .es, timeZone: "UTC", active: true, clientGroupIDs: [], version: 1),
            isAdmin: true, permissions: [], subordinateIDs: []))
        let admin = try await partial.user("admin@demo.test", roles: ["admin"], level: .company)
        return Fixture(stores: stores, clock: clock, admin: admin)
    }

    /// Creates a user and returns the viewer the store builds for them.
    public func user(_ email: String, name: String? = nil, roles: [String] = ["agent"], level: AccessLevel = .own,
                     branch: Branch.ID? = nil, department: Department.ID? = nil, manager: User.ID? = nil,
                     groups: [ClientGroup.ID] = []) async throws -> Viewer {
        let allRoles = try await stores.organisation.roles()
        let roleIDs = roles.compactMap { key in allRoles.first { $0.key == key }?.id }
        let id = try await stores.users.create(
            UserDraft(email: email, name: name ?? email.components(separatedBy: "@")[0], roleIDs: roleIDs, accessLevel: level,
                      branchID: branch, departmentID: department, managerID: manager, clientGroupIDs: groups),
            passwordHash: nil, by: nil)
        return try await stores.users.viewer(id)!
    }

    /// Creates a client as the admin.
    @discardableResult
    public func client(_ legalName: String, tradeName: String? = nil, group: ClientGroup.ID? = nil, agent: User.ID? = nil,
                       collector: User.ID? = nil, phones: [String] = [], emails: [String] = [], taxID: String? = nil,
                       taxIDKind: TaxIDKind? = nil, city: String? = nil,
                       customFields: [String: CustomFieldValue] = [:]) async throws -> Client {
        try await stores.clients.create(ClientDraft(
            legalName: legalName, tradeName: tradeName, taxID: taxID, taxIDKind: taxIDKind, clientGroupID: group,
            salesAgentID: agent, collectorID: collector, address: Address(city: city), emails: emails, phones: phones,
            customFields: customFields), by: admin)
    }

    /// The viewer again, after changes to the user (groups, manager).
    public func reload(_ viewer: Viewer) async throws -> Viewer {
        try await stores.users.viewer(viewer.id)!
    }
}
