import CarteraCore
import Foundation
import SQLKit

/// The company row, branches, departments and roles.
public struct OrganisationStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    // MARK: Company

    public func company() async throws -> Company? {
        try await database.read { session in
            try await session.first("SELECT * FROM company WHERE id = 1").map { row in
                Company(name: try row.string("name"), country: try row.string("country"),
                        currency: try row.string("currency"), language: Language(rawValue: try row.string("locale")) ?? .es,
                        timeZone: try row.string("time_zone"), version: try row.int("version"))
            }
        }
    }

    /// Creates or updates the company settings; `expectedVersion` guards edits.
    public func saveCompany(name: String?, country: String?, currency: String?, locale: String?, timeZone: String?,
                            expectedVersion: Int64?, by userID: User.ID?) async throws -> Company {
        var v = Validator()
        let name = v.text("name", name, required: true, maxLength: 120) ?? ""
        let country = (v.text("country", country, required: true, maxLength: 2) ?? "").uppercased()
        if country.count != 2 { v.add("country", "invalid_country") }
        let currency = (v.text("currency", currency, required: true, maxLength: 3) ?? "").uppercased()
        if currency.count != 3 { v.add("currency", "invalid_currency") }
        let locale = Language(rawValue: locale ?? "")
        if locale == nil { v.add("locale", "invalid_choice") }
        let zone = timeZone ?? ""
        if TimeZone(identifier: zone) == nil { v.add("timeZone", "invalid_time_zone") }
        try v.check()
        return try await database.write { session in
            let existing = try await session.first("SELECT version FROM company WHERE id = 1")
            if let existing {
                let current = try existing.int("version")
                if let expectedVersion, expectedVersion != current { throw StoreError.versionConflict(current: current) }
                try await session.run("""
                    UPDATE company SET name = \(bind: name), country = \(bind: country), currency = \(bind: currency),
                        locale = \(bind: locale!.rawValue), time_zone = \(bind: zone), version = version + 1 WHERE id = 1
                    """)
            } else {
                try await session.run("""
                    INSERT INTO company (id, name, country, currency, locale, time_zone, version)
                    VALUES (1, \(bind: name), \(bind: country), \(bind: currency), \(bind: locale!.rawValue), \(bind: zone), 1)
                    """)
            }
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "company", entityID: 1,
                                      clientID: nil, action: existing == nil ? "create" : "update",
                                      changes: [AuditChange(field: "name", before: nil, after: name)])
            return Company(name: name, country: country, currency: currency, language: locale!, timeZone: zone,
                           version: (try existing?.int("version") ?? 0) + 1)
        }
    }

    // MARK: Branches and departments

    public func branches() async throws -> [Branch] {
        try await database.cached("branches") { session in
            try await session.rows("SELECT id, name, active, version FROM branches ORDER BY name_key").map {
                Branch(id: try $0.id("id"), name: try $0.string("name"), active: try $0.bool("active"), version: try $0.int("version"))
            }
        }
    }

    public func departments() async throws -> [Department] {
        try await database.read { session in
            try await session.rows("SELECT id, name, active, version FROM departments ORDER BY name_key").map {
                Department(id: try $0.id("id"), name: try $0.string("name"), active: try $0.bool("active"),
                           version: try $0.int("version"))
            }
        }
    }

    /// Adds a branch or department (`table` is fixed by the caller, never user input).
    func createNamed(_ table: NamedCatalogue, name rawName: String?, by userID: User.ID?) async throws -> Int64 {
        var v = Validator()
        let name = v.text("name", rawName, required: true, maxLength: 80) ?? ""
        try v.check()
        return try await database.write { session in
            let key = Normalization.sortKey(name)
            if try await session.first("SELECT id FROM \(ident: table.rawValue) WHERE name_key = \(bind: key)") != nil {
                throw ValidationFailure([FieldError("name", "duplicate")])
            }
            let id = try await session.first(
                "INSERT INTO \(ident: table.rawValue) (name, name_key) VALUES (\(bind: name), \(bind: key)) RETURNING id")!.int("id")
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: table.entity, entityID: id,
                                      clientID: nil, action: "create", changes: [AuditChange(field: "name", before: nil, after: name)])
            return id
        }
    }

    /// Renames or (de)activates a branch or department. Inactive ones stay on
    /// the records that use them and leave the pickers.
    func updateNamed(_ table: NamedCatalogue, _ id: Int64, name rawName: String?, active: Bool, expectedVersion: Int64,
                     by userID: User.ID?) async throws {
        var v = Validator()
        let name = v.text("name", rawName, required: true, maxLength: 80) ?? ""
        try v.check()
        try await database.write { session in
            guard let row = try await session.first("SELECT * FROM \(ident: table.rawValue) WHERE id = \(bind: id)") else {
                throw StoreError.notFound
            }
            let version = try row.int("version")
            guard version == expectedVersion else { throw StoreError.versionConflict(current: version) }
            try await CatalogueStore.ensureUniqueName(session, table: table.rawValue, name: name, except: id)
            try await session.run("""
                UPDATE \(ident: table.rawValue) SET name = \(bind: name), name_key = \(bind: Normalization.sortKey(name)),
                    active = \(bind: active), version = version + 1 WHERE id = \(bind: id)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: table.entity, entityID: id, clientID: nil,
                                      action: "update", changes: AuditLog.diff(
                                        ["name": try row.string("name"), "active": String(try row.bool("active"))],
                                        ["name": name, "active": String(active)]))
        }
    }

    public func updateBranch(_ id: Branch.ID, name: String?, active: Bool, expectedVersion: Int64, by userID: User.ID?) async throws {
        try await updateNamed(.branches, id.rawValue, name: name, active: active, expectedVersion: expectedVersion, by: userID)
    }

    public func updateDepartment(_ id: Department.ID, name: String?, active: Bool, expectedVersion: Int64,
                                 by userID: User.ID?) async throws {
        try await updateNamed(.departments, id.rawValue, name: name, active: active, expectedVersion: expectedVersion, by: userID)
    }

    public func createBranch(name: String?, by userID: User.ID?) async throws -> Branch.ID {
        Branch.ID(try await createNamed(.branches, name: name, by: userID))
    }

    public func createDepartment(name: String?, by userID: User.ID?) async throws -> Department.ID {
        Department.ID(try await createNamed(.departments, name: name, by: userID))
    }

    /// Finds or creates by name (command line and demo).
    public func branchID(named name: String, by userID: User.ID?) async throws -> Branch.ID {
        if let found = try await branches().first(where: { Normalization.sortKey($0.name) == Normalization.sortKey(name) }) {
            return found.id
        }
        return try await createBranch(name: name, by: userID)
    }

    public func departmentID(named name: String, by userID: User.ID?) async throws -> Department.ID {
        if let found = try await departments().first(where: { Normalization.sortKey($0.name) == Normalization.sortKey(name) }) {
            return found.id
        }
        return try await createDepartment(name: name, by: userID)
    }

    // MARK: Roles

    public func roles() async throws -> [Role] {
        try await database.read { session in
            try await session.rows("SELECT * FROM roles ORDER BY id").map(Self.role)
        }
    }

    /// Creates the seeded roles that are missing.
    public func seedRoles() async throws {
        try await database.write { session in
            for seeded in Role.seeded {
                if try await session.first("SELECT id FROM roles WHERE key = \(bind: seeded.key)") == nil {
                    try await session.run("""
                        INSERT INTO roles (key, name, permissions)
                        VALUES (\(bind: seeded.key), \(bind: seeded.nameES), \(bind: Self.encode(seeded.permissions)))
                        """)
                }
            }
        }
    }

    /// Replaces a role's permissions. The admin role keeps every permission.
    public func updateRole(_ id: Role.ID, name: String?, permissions: Set<Permission>, expectedVersion: Int64,
                           by userID: User.ID?) async throws {
        var v = Validator()
        let name = v.text("name", name, required: true, maxLength: 80) ?? ""
        try v.check()
        try await database.write { session in
            guard let row = try await session.first("SELECT * FROM roles WHERE id = \(bind: id.rawValue)") else {
                throw StoreError.notFound
            }
            let role = try Self.role(row)
            guard role.version == expectedVersion else { throw StoreError.versionConflict(current: role.version) }
            let kept = role.isAdmin ? Set(Permission.allCases) : permissions
            try await session.run("""
                UPDATE roles SET name = \(bind: name), permissions = \(bind: Self.encode(kept)), version = version + 1
                WHERE id = \(bind: id.rawValue)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "role", entityID: id.rawValue,
                                      clientID: nil, action: "update", changes: AuditLog.diff(
                                        ["name": role.name, "permissions": Self.encode(role.permissions)],
                                        ["name": name, "permissions": Self.encode(kept)]))
        }
    }

    static func role(_ row: Row) throws -> Role {
        let permissions = try row.string("permissions").split(separator: ",").compactMap { Permission(rawValue: String($0)) }
        return Role(id: try row.id("id"), key: try row.string("key"), name: try row.string("name"),
                    permissions: Set(permissions), version: try row.int("version"))
    }

    static func encode(_ permissions: Set<Permission>) -> String {
        permissions.map(\.rawValue).sorted().joined(separator: ",")
    }
}

/// Catalogues that are just a unique name.
enum NamedCatalogue: String {
    case branches, departments, clientGroups = "client_groups", activityCategories = "activity_categories"
    case opportunityTypes = "opportunity_types"
    case salesProjects = "sales_projects", reservationStatuses = "reservation_statuses"
    case surveyQuestions = "survey_questions"
    var entity: String {
        switch self {
        case .branches: "branch"
        case .departments: "department"
        case .clientGroups: "client_group"
        case .activityCategories: "activity_category"
        case .opportunityTypes: "opportunity_type"
        case .salesProjects: "sales_project"
        case .reservationStatuses: "reservation_status"
        case .surveyQuestions: "survey_question"
        }
    }
}
