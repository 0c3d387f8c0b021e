import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Managing users: list, create (with a first password), edit, deactivate, reset password.
struct UsersAdmin {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.users.route) { request, context in try await self.list(request, context) }
        group.get(SiteURL.newUser.route) { request, context in try await self.form(request, context, user: nil) }
        group.post(SiteURL.users.route) { request, context in try await self.save(request, context, user: nil) }
        group.get("/admin/users/:user") { request, context in try await self.form(request, context, user: try await self.load(context)) }
        group.post("/admin/users/:user") { request, context in try await self.save(request, context, user: try await self.load(context)) }
    }

    struct ListPage: Encodable {
        struct Row: Encodable { let href: String; let name: String; let email: String; let roles: String; let level: Int; let active: Bool }
        let rows: [Row]
    }

    func list(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageUsers)
        async let users = env.stores.users.all()
        async let roles = env.stores.organisation.roles()
        let roleNames = Dictionary(uniqueKeysWithValues: try await roles.map { ($0.id, $0.name) })
        let rows = try await users.map { user in
            ListPage.Row(href: SiteURL.user(user.id).path, name: user.name, email: user.email,
                         roles: user.roleIDs.compactMap { roleNames[$0] }.joined(separator: ", "),
                         level: user.accessLevel.rawValue, active: user.active)
        }
        return try env.render("admin-users", request, context, title: env.t(context.language)["admin_users"] ?? "",
                              section: .admin, ListPage(rows: rows))
    }

    struct FormPage: Encodable {
        struct Check: Encodable { let value: String; let label: String; let checked: Bool }
        let action: String
        let isNew: Bool
        let version: Int64
        let email: String
        let name: String
        let timeZone: String
        let active: Bool
        let roles: [Check]
        let groups: [Check]
        let levels: [Option]
        let branches: [Option]
        let departments: [Option]
        let managers: [Option]
        let languages: [Option]
        let errors: FormErrors
    }

    func form(_ request: Request, _ context: SignedInContext, user: User?, posted: FormData? = nil,
              errors: FormErrors = .none, status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageUsers)
        let t = env.t(context.language)
        async let roles = env.stores.organisation.roles()
        async let groups = env.stores.catalogues.clientGroups()
        async let branches = env.stores.organisation.branches()
        async let departments = env.stores.organisation.departments()
        async let users = env.stores.users.all()
        func value(_ key: String, _ stored: String?) -> String { posted?[key] ?? stored ?? "" }
        let chosenRoles = posted.map { Set($0.all("roles")) } ?? Set(user?.roleIDs.map(\.description) ?? [])
        let chosenGroups = posted.map { Set($0.all("groups")) } ?? Set(user?.clientGroupIDs.map(\.description) ?? [])
        let level = value("accessLevel", user.map { String($0.accessLevel.rawValue) } ?? "4")
        let page = FormPage(
            action: user.map { SiteURL.user($0.id).path } ?? SiteURL.users.path, isNew: user == nil,
            version: Int64(posted?["version"] ?? "") ?? user?.version ?? 0,
            email: value("email", user?.email), name: value("name", user?.name),
            timeZone: value("timeZone", user?.timeZone ?? "America/Argentina/Buenos_Aires"),
            active: posted.map { $0.bool("active") } ?? user?.active ?? true,
            roles: try await roles.map { .init(value: $0.id.description, label: $0.name, checked: chosenRoles.contains($0.id.description)) },
            groups: try await groups.map { .init(value: $0.id.description, label: $0.name, checked: chosenGroups.contains($0.id.description)) },
            levels: AccessLevel.allCases.map {
                Option(value: String($0.rawValue), label: t["level_\($0.rawValue)"] ?? "", selected: level == String($0.rawValue))
            },
            branches: Option.list(try await branches.filter { $0.active || $0.id == user?.branchID }.map { ($0.id, $0.name) }, selected: value("branchId", user?.branchID?.description)),
            departments: Option.list(try await departments.filter { $0.active || $0.id == user?.departmentID }.map { ($0.id, $0.name) },
                                     selected: value("departmentId", user?.departmentID?.description)),
            managers: Option.list(try await users.filter { $0.id != user?.id }.map { ($0.id, $0.name) },
                                  selected: value("managerId", user?.managerID?.description)),
            languages: Language.allCases.map {
                Option(value: $0.rawValue, label: t["language_\($0.rawValue)"] ?? "",
                       selected: value("language", user?.language.rawValue ?? "es") == $0.rawValue)
            },
            errors: errors)
        return try env.render("admin-user-form", request, context, title: user?.name ?? t["user_new"] ?? "", section: .admin,
                              page, status: status)
    }

    func save(_ request: Request, _ context: SignedInContext, user: User?) async throws -> Response {
        try context.require(.manageUsers)
        let form = try await FormData.from(request)
        let draft = UserDraft(
            email: form["email"] ?? "", name: form["name"] ?? "", roleIDs: form.all("roles").compactMap { Role.ID(string: $0) },
            accessLevel: Int(form["accessLevel"] ?? "").flatMap(AccessLevel.init), branchID: Branch.ID(string: form["branchId"]),
            departmentID: Department.ID(string: form["departmentId"]), managerID: User.ID(string: form["managerId"]),
            language: Language(rawValue: form["language"] ?? ""), timeZone: form.text("timeZone") ?? "",
            active: form.bool("active"), clientGroupIDs: form.all("groups").compactMap { ClientGroup.ID(string: $0) })
        let password = form["password"] ?? ""
        do {
            if user == nil || !password.isEmpty, password.count < Passwords.minimumLength {
                throw ValidationFailure([FieldError("password", "too_short", [String(Passwords.minimumLength)])])
            }
            let hash = password.isEmpty ? nil : try await Passwords.hash(password)
            if let user {
                try await env.stores.users.update(user.id, draft, expectedVersion: Int64(form["version"] ?? "") ?? 0,
                                                  by: context.viewer.id)
                if let hash { try await env.stores.users.setPasswordHash(user.id, hash, keepingSession: nil) }
            } else {
                _ = try await env.stores.users.create(draft, passwordHash: hash, by: context.viewer.id)
            }
            return redirect(.users, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await self.form(request, context, user: user, posted: form, errors: env.messages(failure, context.language),
                                       status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await self.form(request, context, user: user, posted: form, errors: FormErrors(
                byField: [:], list: [env.translator.text("conflict_reload", context.language)]), status: .conflict)
        }
    }

    func load(_ context: SignedInContext) async throws -> User {
        guard let id = User.ID(string: context.parameters.get("user")), let user = try await env.stores.users.user(id) else {
            throw StoreError.notFound
        }
        return user
    }
}
