import CarteraCore
import Foundation
import SQLKit

/// The editable fields of a user.
public struct UserDraft: Sendable, Hashable {
    public var email: String
    public var name: String
    public var roleIDs: [Role.ID]
    public var accessLevel: AccessLevel?
    public var branchID: Branch.ID?
    public var departmentID: Department.ID?
    public var managerID: User.ID?
    public var language: Language?
    public var timeZone: String
    public var active: Bool
    public var clientGroupIDs: [ClientGroup.ID]

    public init(email: String, name: String, roleIDs: [Role.ID], accessLevel: AccessLevel?, branchID: Branch.ID? = nil,
                departmentID: Department.ID? = nil, managerID: User.ID? = nil, language: Language? = .es,
                timeZone: String = "America/Argentina/Buenos_Aires", active: Bool = true, clientGroupIDs: [ClientGroup.ID] = []) {
        self.email = email; self.name = name; self.roleIDs = roleIDs; self.accessLevel = accessLevel
        self.branchID = branchID; self.departmentID = departmentID; self.managerID = managerID
        self.language = language; self.timeZone = timeZone; self.active = active; self.clientGroupIDs = clientGroupIDs
    }
}

/// Users, their roles and client groups, and the ``Viewer`` a request acts as.
public struct UserStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func create(_ draft: UserDraft, passwordHash: String?, by actor: User.ID?) async throws -> User.ID {
        let draft = try validate(draft)
        return try await database.write { session in
            try await checkReferences(session, draft, userID: nil)
            let now = clock.now()
            let id: User.ID = try await session.first("""
                INSERT INTO users (email, name, name_key, password_hash, access_level, branch_id, department_id, manager_id,
                    locale, time_zone, active, created_at, updated_at)
                VALUES (\(bind: draft.email), \(bind: draft.name), \(bind: Normalization.sortKey(draft.name)), \(bind: passwordHash),
                    \(bind: draft.accessLevel!.rawValue), \(bind: draft.branchID?.rawValue), \(bind: draft.departmentID?.rawValue),
                    \(bind: draft.managerID?.rawValue), \(bind: draft.language!.rawValue), \(bind: draft.timeZone),
                    \(bind: draft.active), \(session.instant(now)), \(session.instant(now)))
                RETURNING id
                """)!.id("id")
            try await replaceLinks(session, id, draft)
            try await AuditLog.record(session, at: now, userID: actor, entity: "user", entityID: id.rawValue, clientID: nil,
                                      action: "create", changes: AuditLog.diff([:], Self.flatten(draft)))
            return id
        }
    }

    public func update(_ id: User.ID, _ draft: UserDraft, expectedVersion: Int64, by actor: User.ID?) async throws {
        let draft = try validate(draft)
        try await database.write { session in
            guard let before = try await Self.users(session, where: "u.id = \(bind: id.rawValue)").first else {
                throw StoreError.notFound
            }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            try await checkReferences(session, draft, userID: id)
            try await session.run("""
                UPDATE users SET email = \(bind: draft.email), name = \(bind: draft.name),
                    name_key = \(bind: Normalization.sortKey(draft.name)), access_level = \(bind: draft.accessLevel!.rawValue),
                    branch_id = \(bind: draft.branchID?.rawValue), department_id = \(bind: draft.departmentID?.rawValue),
                    manager_id = \(bind: draft.managerID?.rawValue), locale = \(bind: draft.language!.rawValue),
                    time_zone = \(bind: draft.timeZone), active = \(bind: draft.active), version = version + 1,
                    updated_at = \(session.instant(clock.now()))
                WHERE id = \(bind: id.rawValue)
                """)
            try await replaceLinks(session, id, draft)
            if !draft.active { try await session.run("DELETE FROM sessions WHERE user_id = \(bind: id.rawValue)") }
            let old = UserDraft(email: before.email, name: before.name, roleIDs: before.roleIDs, accessLevel: before.accessLevel,
                                branchID: before.branchID, departmentID: before.departmentID, managerID: before.managerID,
                                language: before.language, timeZone: before.timeZone, active: before.active,
                                clientGroupIDs: before.clientGroupIDs)
            try await AuditLog.record(session, at: clock.now(), userID: actor, entity: "user", entityID: id.rawValue,
                                      clientID: nil, action: "update", changes: AuditLog.diff(Self.flatten(old), Self.flatten(draft)))
        }
    }

    /// Stores a new password hash and ends the user's other sessions.
    public func setPasswordHash(_ id: User.ID, _ hash: String, keepingSession keptHash: String?) async throws {
        try await database.write { session in
            try await session.run("UPDATE users SET password_hash = \(bind: hash) WHERE id = \(bind: id.rawValue)")
            try await session.run("""
                DELETE FROM sessions WHERE user_id = \(bind: id.rawValue) AND token_hash <> \(bind: keptHash ?? "")
                """)
            try await AuditLog.record(session, at: clock.now(), userID: id, entity: "user", entityID: id.rawValue,
                                      clientID: nil, action: "password", changes: [])
        }
    }

    /// Changes only the user's language (the header's switch); a preference, not audited.
    public func setLanguage(_ id: User.ID, _ language: Language) async throws {
        try await database.write { session in
            try await session.run("UPDATE users SET locale = \(bind: language.rawValue) WHERE id = \(bind: id.rawValue)")
        }
    }

    /// Saves which client-list columns the user chose.
    public func setClientColumns(_ id: User.ID, _ columns: [String]) async throws {
        try await database.write { session in
            try await session.run("UPDATE users SET client_columns = \(bind: columns.joined(separator: ",")) WHERE id = \(bind: id.rawValue)")
        }
    }

    /// Kept with the catalogues: saving them writes `users`, which bumps the counter.
    public func clientColumns(_ id: User.ID) async throws -> [String]? {
        try await database.cached("clientColumns.\(id)") { session in
            try await session.first("SELECT client_columns FROM users WHERE id = \(bind: id.rawValue)")?
                .optString("client_columns").map { $0.split(separator: ",").map(String.init) }
        }
    }

    public func all() async throws -> [User] {
        try await database.cached("users") { try await Self.users($0, where: "1 = 1") }
    }

    public func user(_ id: User.ID) async throws -> User? {
        try await database.read { try await Self.users($0, where: "u.id = \(bind: id.rawValue)").first }
    }

    public func user(email: String) async throws -> User? {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try await database.read { try await Self.users($0, where: "u.email = \(bind: email)").first }
    }

    /// The stored hash of an active user, for the login check.
    public func passwordHash(email: String) async throws -> (User.ID, String)? {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try await database.read { session in
            guard let row = try await session.first("""
                SELECT id, password_hash FROM users WHERE email = \(bind: email) AND active = \(session.literal(true))
                """), let hash = try row.optString("password_hash") else { return nil }
            return (try row.id("id"), hash)
        }
    }

    public func passwordHash(_ id: User.ID) async throws -> String? {
        try await database.read { session in
            try await session.first("SELECT password_hash FROM users WHERE id = \(bind: id.rawValue)")?.optString("password_hash")
        }
    }

    /// Everything the access rules need about an active user; `nil` when inactive or gone.
    public func viewer(_ id: User.ID) async throws -> Viewer? {
        try await database.cached("viewer.\(id)") { session in
            guard let user = try await Self.users(session, where: "u.id = \(bind: id.rawValue)").first, user.active else {
                return nil
            }
            let roles = try await session.rows("""
                SELECT r.* FROM roles r JOIN user_roles ur ON ur.role_id = r.id WHERE ur.user_id = \(bind: id.rawValue)
                """).map(OrganisationStore.role)
            let subordinates = try await session.rows("""
                WITH RECURSIVE team(id) AS (
                    SELECT id FROM users WHERE manager_id = \(bind: id.rawValue)
                    UNION SELECT u.id FROM users u JOIN team t ON u.manager_id = t.id)
                SELECT id FROM team
                """).map { try $0.id("id") as User.ID }
            return Viewer(user: user, isAdmin: roles.contains(where: \.isAdmin),
                          permissions: roles.reduce(into: Set<Permission>()) { $0.formUnion($1.permissions) },
                          subordinateIDs: Set(subordinates).subtracting([id]))
        }
    }

    // MARK: Internals

    func validate(_ draft: UserDraft) throws(ValidationFailure) -> UserDraft {
        var v = Validator()
        var out = draft
        out.email = (v.text("email", draft.email, required: true, maxLength: 254) ?? "").lowercased()
        if !out.email.isEmpty && !Contactability.isEmail(out.email) { v.add("email", "invalid_email") }
        out.name = v.text("name", draft.name, required: true, maxLength: 120) ?? ""
        if draft.accessLevel == nil { v.add("accessLevel", "invalid_choice") }
        if draft.language == nil { v.add("locale", "invalid_choice") }
        if TimeZone(identifier: draft.timeZone) == nil { v.add("timeZone", "invalid_time_zone") }
        if draft.roleIDs.isEmpty { v.add("roles", "required") }
        try v.check()
        return out
    }

    func checkReferences(_ session: Session, _ draft: UserDraft, userID: User.ID?) async throws {
        var errors: [FieldError] = []
        if try await session.first("""
            SELECT id FROM users WHERE email = \(bind: draft.email) AND id <> \(bind: userID?.rawValue ?? 0)
            """) != nil { errors.append(FieldError("email", "duplicate")) }
        let roleCount = try await session.first(
            "SELECT COUNT(*) AS n FROM roles WHERE id IN \(session.inList(Set(draft.roleIDs)))")!.int("n")
        if roleCount != Set(draft.roleIDs).count { errors.append(FieldError("roles", "unknown_reference")) }
        if let branch = draft.branchID, try await session.first("SELECT id FROM branches WHERE id = \(bind: branch.rawValue)") == nil {
            errors.append(FieldError("branchId", "unknown_reference"))
        }
        if let department = draft.departmentID,
           try await session.first("SELECT id FROM departments WHERE id = \(bind: department.rawValue)") == nil {
            errors.append(FieldError("departmentId", "unknown_reference"))
        }
        if let manager = draft.managerID {
            if manager == userID {
                errors.append(FieldError("managerId", "manager_cycle"))
            } else if try await session.first("SELECT id FROM users WHERE id = \(bind: manager.rawValue)") == nil {
                errors.append(FieldError("managerId", "unknown_reference"))
            } else if let userID, try await session.first("""
                WITH RECURSIVE chain(id) AS (
                    SELECT manager_id FROM users WHERE id = \(bind: manager.rawValue)
                    UNION SELECT u.manager_id FROM users u JOIN chain c ON u.id = c.id WHERE u.manager_id IS NOT NULL)
                SELECT id FROM chain WHERE id = \(bind: userID.rawValue)
                """) != nil {
                errors.append(FieldError("managerId", "manager_cycle"))
            }
        }
        let groupCount = try await session.first(
            "SELECT COUNT(*) AS n FROM client_groups WHERE id IN \(session.inList(Set(draft.clientGroupIDs)))")!.int("n")
        if groupCount != Set(draft.clientGroupIDs).count { errors.append(FieldError("clientGroups", "unknown_reference")) }
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    func replaceLinks(_ session: Session, _ id: User.ID, _ draft: UserDraft) async throws {
        try await session.run("DELETE FROM user_roles WHERE user_id = \(bind: id.rawValue)")
        for role in Set(draft.roleIDs) {
            try await session.run("INSERT INTO user_roles (user_id, role_id) VALUES (\(bind: id.rawValue), \(bind: role.rawValue))")
        }
        try await session.run("DELETE FROM client_group_users WHERE user_id = \(bind: id.rawValue)")
        for group in Set(draft.clientGroupIDs) {
            try await session.run(
                "INSERT INTO client_group_users (group_id, user_id) VALUES (\(bind: group.rawValue), \(bind: id.rawValue))")
        }
    }

    static func users(_ session: Session, where predicate: SQLQueryString) async throws -> [User] {
        let rows = try await session.rows("SELECT u.* FROM users u WHERE \(predicate) ORDER BY u.name_key, u.id")
        guard !rows.isEmpty else { return [] }
        let ids = try Set(rows.map { try $0.id("id") as User.ID })
        var roles: [User.ID: [Role.ID]] = [:]
        for row in try await session.rows("SELECT user_id, role_id FROM user_roles WHERE user_id IN \(session.inList(ids))") {
            roles[try row.id("user_id"), default: []].append(try row.id("role_id"))
        }
        var groups: [User.ID: [ClientGroup.ID]] = [:]
        for row in try await session.rows("SELECT user_id, group_id FROM client_group_users WHERE user_id IN \(session.inList(ids))") {
            groups[try row.id("user_id"), default: []].append(try row.id("group_id"))
        }
        return try rows.map { row in
            let id: User.ID = try row.id("id")
            return User(id: id, email: try row.string("email"), name: try row.string("name"),
                        roleIDs: (roles[id] ?? []).sorted(), accessLevel: AccessLevel(rawValue: Int(try row.int("access_level"))) ?? .own,
                        branchID: try row.optID("branch_id"), departmentID: try row.optID("department_id"),
                        managerID: try row.optID("manager_id"), language: Language(rawValue: try row.string("locale")) ?? .es,
                        timeZone: try row.string("time_zone"), active: try row.bool("active"),
                        clientGroupIDs: (groups[id] ?? []).sorted(), version: try row.int("version"))
        }
    }

    static func flatten(_ d: UserDraft) -> [String: String] {
        var out: [String: String] = ["email": d.email, "name": d.name, "timeZone": d.timeZone, "active": String(d.active),
                                     "roles": d.roleIDs.map(\.description).sorted().joined(separator: ","),
                                     "clientGroups": d.clientGroupIDs.map(\.description).sorted().joined(separator: ",")]
        out["accessLevel"] = d.accessLevel.map { String($0.rawValue) }
        out["branchId"] = d.branchID?.description
        out["departmentId"] = d.departmentID?.description
        out["managerId"] = d.managerID?.description
        out["locale"] = d.language?.rawValue
        return out
    }
}
