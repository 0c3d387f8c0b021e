import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Roles and the client catalogues: types, groups and custom fields.
/// Each list page shows every entry with its own edit form and an add form.
struct CataloguesAdmin {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.roles.route) { request, context in try await self.roles(request, context) }
        group.post("/admin/roles/:id") { request, context in try await self.saveRole(request, context) }
        group.get(SiteURL.clientTypes.route) { request, context in try await self.types(request, context) }
        group.post(SiteURL.clientTypes.route) { request, context in try await self.saveType(request, context, id: nil) }
        group.post("/admin/client-types/:id") { request, context in
            try await self.saveType(request, context, id: ClientType.ID(string: context.parameters.get("id")))
        }
        group.get(SiteURL.clientGroups.route) { request, context in try await self.groups(request, context) }
        group.post(SiteURL.clientGroups.route) { request, context in try await self.saveGroup(request, context, id: nil) }
        group.post("/admin/client-groups/:id") { request, context in
            try await self.saveGroup(request, context, id: ClientGroup.ID(string: context.parameters.get("id")))
        }
        group.get(SiteURL.customFields.route) { request, context in try await self.fields(request, context) }
        group.post(SiteURL.customFields.route) { request, context in try await self.saveField(request, context, id: nil) }
        group.post("/admin/custom-fields/:id") { request, context in
            try await self.saveField(request, context, id: CustomFieldDefinition.ID(string: context.parameters.get("id")))
        }
        group.post("/admin/custom-fields/:id/type") { request, context in try await self.changeFieldType(request, context) }
        group.post("/admin/custom-fields/:id/purge") { request, context in try await self.purgeField(request, context) }
    }

    struct Check: Encodable { let value: String; let label: String; let checked: Bool }

    // MARK: Roles

    struct RolesPage: Encodable {
        struct Row: Encodable { let action: String; let name: String; let version: Int64; let isAdmin: Bool; let permissions: [Check] }
        let rows: [Row]
        let errors: [String]
    }

    func roles(_ request: Request, _ context: SignedInContext, errors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let t = env.t(context.language)
        let rows = try await env.stores.organisation.roles().map { role in
            RolesPage.Row(action: SiteURL.role(role.id).path, name: role.name, version: role.version, isAdmin: role.isAdmin,
                          permissions: Permission.allCases.map {
                              Check(value: $0.rawValue, label: t["permission_\($0.rawValue)"] ?? $0.rawValue,
                                    checked: role.permissions.contains($0))
                          })
        }
        return try env.render("admin-roles", request, context, title: t["admin_roles"] ?? "", section: .admin,
                              RolesPage(rows: rows, errors: errors), status: status)
    }

    func saveRole(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        guard let id = Role.ID(string: context.parameters.get("id")) else { throw StoreError.notFound }
        let form = try await FormData.from(request)
        return try await saving(request, context, back: .roles, onError: { errors, status in
            try await self.roles(request, context, errors: errors, status: status)
        }) {
            try await env.stores.organisation.updateRole(id, name: form["name"],
                                                         permissions: Set(form.all("permissions").compactMap(Permission.init)),
                                                         expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer.id)
        }
    }

    // MARK: Client types

    struct TypesPage: Encodable {
        struct Row: Encodable { let action: String; let name: String; let color: String; let icons: [Option]; let active: Bool; let version: Int64 }
        let rows: [Row]
        let newIcons: [Option]
        let errors: [String]
    }

    func types(_ request: Request, _ context: SignedInContext, errors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let t = env.t(context.language)
        func icons(_ selected: String) -> [Option] {
            ClientType.icons.map { Option(value: $0, label: t["icon_\($0)"] ?? $0, selected: $0 == selected) }
        }
        let rows = try await env.stores.catalogues.clientTypes().map {
            TypesPage.Row(action: SiteURL.clientType($0.id).path, name: $0.name, color: $0.color, icons: icons($0.icon),
                          active: $0.active, version: $0.version)
        }
        return try env.render("admin-types", request, context, title: t["admin_client_types"] ?? "", section: .admin,
                              TypesPage(rows: rows, newIcons: icons("pin"), errors: errors), status: status)
    }

    func saveType(_ request: Request, _ context: SignedInContext, id: ClientType.ID?) async throws -> Response {
        try context.require(.manageSettings)
        let form = try await FormData.from(request)
        return try await saving(request, context, back: .clientTypes, onError: { errors, status in
            try await self.types(request, context, errors: errors, status: status)
        }) {
            if let id {
                try await env.stores.catalogues.updateClientType(id, name: form["name"], color: form["color"], icon: form["icon"],
                                                                 active: form.bool("active"),
                                                                 expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer.id)
            } else {
                _ = try await env.stores.catalogues.createClientType(name: form["name"], color: form["color"], icon: form["icon"],
                                                                     by: context.viewer.id)
            }
        }
    }

    // MARK: Client groups

    struct GroupsPage: Encodable {
        struct Row: Encodable { let action: String; let name: String; let users: [Check]; let active: Bool; let version: Int64 }
        let rows: [Row]
        let newUsers: [Check]
        let errors: [String]
    }

    func groups(_ request: Request, _ context: SignedInContext, errors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let users = try await env.stores.users.all().filter(\.active)
        func checks(_ chosen: [User.ID]) -> [Check] {
            users.map { Check(value: $0.id.description, label: $0.name, checked: chosen.contains($0.id)) }
        }
        let rows = try await env.stores.catalogues.clientGroups().map {
            GroupsPage.Row(action: SiteURL.clientGroup($0.id).path, name: $0.name, users: checks($0.userIDs), active: $0.active,
                           version: $0.version)
        }
        return try env.render("admin-groups", request, context, title: env.t(context.language)["admin_client_groups"] ?? "",
                              section: .admin, GroupsPage(rows: rows, newUsers: checks([]), errors: errors), status: status)
    }

    func saveGroup(_ request: Request, _ context: SignedInContext, id: ClientGroup.ID?) async throws -> Response {
        try context.require(.manageSettings)
        let form = try await FormData.from(request)
        let users = form.all("users").compactMap { User.ID(string: $0) }
        return try await saving(request, context, back: .clientGroups, onError: { errors, status in
            try await self.groups(request, context, errors: errors, status: status)
        }) {
            if let id {
                try await env.stores.catalogues.updateClientGroup(id, name: form["name"], userIDs: users, active: form.bool("active"),
                                                                  expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer.id)
            } else {
                _ = try await env.stores.catalogues.createClientGroup(name: form["name"], userIDs: users, by: context.viewer.id)
            }
        }
    }

    // MARK: Custom fields

    struct FieldsPage: Encodable {
        struct Row: Encodable {
            let action: String; let key: String; let labelES: String; let labelEN: String; let type: String
            let required: Bool; let showInList: Bool; let active: Bool; let choices: String; let isChoice: Bool; let version: Int64
            let typeAction: String; let purgeAction: String; let types: [Option]
        }
        let rows: [Row]
        let types: [Option]
        let errors: [String]
    }

    func fields(_ request: Request, _ context: SignedInContext, errors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let t = env.t(context.language)
        func types(_ selected: CustomFieldType) -> [Option] {
            CustomFieldType.allCases.map { Option(value: $0.rawValue, label: t["cftype_\($0.rawValue)"] ?? "", selected: $0 == selected) }
        }
        let rows = try await env.stores.catalogues.customFields().map {
            FieldsPage.Row(action: SiteURL.customField($0.id).path, key: $0.key, labelES: $0.labelES, labelEN: $0.labelEN,
                           type: t["cftype_\($0.type.rawValue)"] ?? $0.type.rawValue, required: $0.required,
                           showInList: $0.showInList, active: $0.active, choices: $0.choices.joined(separator: "\n"), isChoice: $0.type == .choice,
                           version: $0.version, typeAction: SiteURL.customField($0.id).path + "/type",
                           purgeAction: SiteURL.customField($0.id).path + "/purge", types: types($0.type))
        }
        return try env.render("admin-fields", request, context, title: t["admin_custom_fields"] ?? "", section: .admin,
                              FieldsPage(rows: rows, types: types(.text), errors: errors), status: status)
    }

    func saveField(_ request: Request, _ context: SignedInContext, id: CustomFieldDefinition.ID?) async throws -> Response {
        try context.require(.manageSettings)
        let form = try await FormData.from(request)
        let choices = (form["choices"] ?? "").split(whereSeparator: \.isNewline).map(String.init)
        return try await saving(request, context, back: .customFields, onError: { errors, status in
            try await self.fields(request, context, errors: errors, status: status)
        }) {
            if let id {
                try await env.stores.catalogues.updateCustomField(
                    id, labelES: form["labelEs"], labelEN: form["labelEn"], required: form.bool("required"),
                    showInList: form.bool("showInList"), choices: choices, active: form.bool("active"),
                    expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer.id)
            } else {
                _ = try await env.stores.catalogues.createCustomField(
                    labelES: form["labelEs"], labelEN: form["labelEn"], type: CustomFieldType(rawValue: form["type"] ?? ""),
                    required: form.bool("required"), showInList: form.bool("showInList"), choices: choices, by: context.viewer.id)
            }
        }
    }

    func changeFieldType(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        guard let id = CustomFieldDefinition.ID(string: context.parameters.get("id")) else { throw StoreError.notFound }
        let form = try await FormData.from(request)
        guard let type = CustomFieldType(rawValue: form["type"] ?? "") else {
            throw ValidationFailure([FieldError("type", "invalid_choice")])
        }
        let choices = (form["choices"] ?? "").split(whereSeparator: \.isNewline).map(String.init)
        return try await saving(request, context, back: .customFields, onError: { errors, status in
            try await self.fields(request, context, errors: errors, status: status)
        }) {
            _ = try await env.stores.catalogues.changeCustomFieldType(id, to: type, choices: choices,
                                                                      expectedVersion: Int64(form["version"] ?? "") ?? 0,
                                                                      by: context.viewer.id)
        }
    }

    func purgeField(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        guard let id = CustomFieldDefinition.ID(string: context.parameters.get("id")) else { throw StoreError.notFound }
        let form = try await FormData.from(request)
        return try await saving(request, context, back: .customFields, onError: { errors, status in
            try await self.fields(request, context, errors: errors, status: status)
        }) {
            _ = try await env.stores.catalogues.purgeCustomField(id, expectedVersion: Int64(form["version"] ?? "") ?? 0,
                                                                 by: context.viewer.id)
        }
    }

    // MARK: Shared

    /// Runs a write; on bad input or a stale version shows the list again with the reason.
    func saving(_ request: Request, _ context: SignedInContext, back: SiteURL,
                onError: ([String], HTTPResponse.Status) async throws -> Response,
                _ write: () async throws -> Void) async throws -> Response {
        do {
            try await write()
            return redirect(back, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await onError(env.messages(failure, context.language).list, .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await onError([env.translator.text("conflict_reload", context.language)], .conflict)
        }
    }
}
