import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Administration › Sales: the funnel's settings (contact deadline, video-call
/// address), arrival channels with their categories, and the sales projects —
/// each with its assignment rule, members, stages, subgroups and products.
struct SalesAdmin {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.salesAdmin.route) { request, context in try await self.index(request, context) }
        group.post("/admin/sales/settings") { request, context in try await self.saveSettings(request, context) }
        group.post("/admin/sales/channels") { request, context in try await self.saveChannel(request, context, id: nil) }
        group.post("/admin/sales/channels/:id") { request, context in
            try await self.saveChannel(request, context, id: SalesChannel.ID(string: context.parameters.get("id")))
        }
        group.post("/admin/sales/projects") { request, context in try await self.createProject(request, context) }
        group.get("/admin/sales/projects/:project") { request, context in try await self.project(request, context) }
        group.post("/admin/sales/projects/:project") { request, context in try await self.updateProject(request, context) }
        group.post("/admin/sales/projects/:project/members") { request, context in try await self.setMember(request, context) }
        group.post("/admin/sales/projects/:project/stages") { request, context in try await self.saveLevel(request, context) }
        group.post("/admin/sales/projects/:project/products") { request, context in try await self.saveProduct(request, context) }
    }

    // MARK: The index

    struct IndexPage: Encodable {
        struct Channel: Encodable { let action: String; let name: String; let categories: [Option]; let active: Bool; let version: Int64 }
        struct Project: Encodable { let url: String; let name: String; let active: Bool }
        let deadlineHours: Int
        let videoTemplate: String
        let settingsVersion: Int64
        let channels: [Channel]
        let categories: [Option]
        let projects: [Project]
        let errors: [String]
        let values: [String: String]
    }

    func index(_ request: Request, _ context: SignedInContext, form: FormData? = nil, errors: [String] = [],
               status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let t = env.t(context.language)
        let catalogue = env.stores.salesCatalogue
        let settings = try await catalogue.settings()
        let categories = { (selected: String) in
            SalesChannel.Category.allCases.map { Option(value: $0.rawValue, label: t["channel_category_\($0.rawValue)"] ?? $0.rawValue,
                                                       selected: selected == $0.rawValue) }
        }
        let page = IndexPage(
            deadlineHours: Int(form?["contactDeadlineHours"] ?? "") ?? settings.contactDeadlineHours,
            videoTemplate: form?["videoUrlTemplate"] ?? settings.videoURLTemplate ?? "", settingsVersion: settings.version,
            channels: try await catalogue.channels().map {
                .init(action: "/admin/sales/channels/\($0.id)", name: $0.name, categories: categories($0.category.rawValue), active: $0.active,
                      version: $0.version)
            },
            categories: categories(form?["category"] ?? "other"),
            projects: try await catalogue.projects().map { .init(url: SiteURL.salesProject($0.id).path, name: $0.name, active: $0.active) },
            errors: errors, values: ["name": form?["name"] ?? ""])
        return try env.render("admin-sales", request, context, title: t["admin_sales"] ?? "", section: .admin, page, status: status)
    }

    func saveSettings(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        return try await attempt(request, context, form: form, back: .salesAdmin) {
            guard let hours = Int(form["contactDeadlineHours"] ?? "") else {
                throw ValidationFailure([FieldError("contactDeadlineHours", "invalid_integer")])
            }
            try await env.stores.salesCatalogue.saveSettings(SalesSettings(contactDeadlineHours: hours, videoURLTemplate: form["videoUrlTemplate"]),
                                                             expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer)
        }
    }

    func saveChannel(_ request: Request, _ context: SignedInContext, id: SalesChannel.ID?) async throws -> Response {
        let form = try await FormData.from(request)
        return try await attempt(request, context, form: form, back: .salesAdmin) {
            guard let category = SalesChannel.Category(rawValue: form["category"] ?? "") else {
                throw ValidationFailure([FieldError("category", "invalid_choice")])
            }
            try await env.stores.salesCatalogue.saveChannel(id, name: form["name"], category: category, active: id == nil || form.bool("active"),
                                                            expectedVersion: Int64(form["version"] ?? ""), by: context.viewer)
        }
    }

    func createProject(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        try context.require(.manageSettings)
        do {
            let id = try await env.stores.salesCatalogue.createProject(name: form["name"], by: context.viewer)
            return redirect(.salesProject(id), flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await index(request, context, form: form, errors: env.messages(failure, context.language).list, status: .unprocessableContent)
        }
    }

    // MARK: A project

    struct ProjectPage: Encodable {
        struct Member: Encodable { let name: String; let role: String; let userID: String }
        /// A stage (`stage` empty) or a subgroup of `stage`; `id` is the row's own.
        struct Level: Encodable { let id: String; let stage: String; let name: String; let active: Bool; let version: Int64; let kind: String }
        struct Stage: Encodable { let level: Level; let subgroups: [Level] }
        struct Product: Encodable { let id: String; let action: String; let name: String; let model: String; let subgroups: [Option]; let active: Bool; let version: Int64 }
        let name: String
        let base: String
        let active: Bool
        let version: Int64
        let assignments: [Option]
        let responsibles: [Option]
        let members: [Member]
        let users: [Option]
        let roles: [Option]
        let stages: [Stage]
        let subgroups: [Option]
        let products: [Product]
        let errors: [String]
    }

    func project(_ request: Request, _ context: SignedInContext, errors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let project = try await loadProject(context)
        let t = env.t(context.language)
        let catalogue = env.stores.salesCatalogue
        async let members = catalogue.members(of: project.id)
        async let stages = catalogue.stages(of: project.id)
        async let subgroups = catalogue.subgroups(of: project.id)
        async let products = catalogue.products(of: project.id)
        let users = try await env.stores.users.all()
        let names = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0.name) })
        let (allStages, allSubgroups) = try await (stages, subgroups)
        let base = SiteURL.salesProject(project.id).path
        let stageName = Dictionary(uniqueKeysWithValues: allStages.map { ($0.id, $0.name) })
        let subgroupOptions = { (selected: String?) in
            Option.list(allSubgroups.map { ($0.id, "\(stageName[$0.stageID] ?? "") › \($0.name)") }, selected: selected)
        }
        let page = ProjectPage(
            name: project.name, base: base, active: project.active, version: project.version,
            assignments: SalesProject.Assignment.allCases.map {
                Option(value: $0.rawValue, label: t["assignment_\($0.rawValue)"] ?? $0.rawValue, selected: project.assignment == $0)
            },
            responsibles: Option.list(users.filter(\.active).map { ($0.id, $0.name) }, selected: project.fixedResponsibleID?.description),
            members: try await members.map { .init(name: names[$0.userID] ?? "", role: t["member_role_\($0.role.rawValue)"] ?? "",
                                                   userID: $0.userID.description) },
            users: Option.list(users.filter(\.active).map { ($0.id, $0.name) }, selected: nil),
            roles: SalesProjectMember.Role.allCases.map { Option(value: $0.rawValue, label: t["member_role_\($0.rawValue)"] ?? "", selected: $0 == .seller) },
            stages: allStages.map { s in
                .init(level: .init(id: s.id.description, stage: "", name: s.name, active: s.active, version: s.version, kind: "stage"),
                      subgroups: allSubgroups.filter { $0.stageID == s.id }.map {
                          .init(id: $0.id.description, stage: s.id.description, name: $0.name, active: $0.active, version: $0.version,
                                kind: "subgroup")
                      })
            },
            subgroups: subgroupOptions(nil),
            products: try await products.map {
                .init(id: $0.id.description, action: base + "/products", name: $0.name, model: $0.model ?? "", subgroups: subgroupOptions($0.subgroupID?.description),
                      active: $0.active, version: $0.version)
            }, errors: errors)
        return try env.render("admin-sales-project", request, context, title: project.name, section: .admin, page, status: status)
    }

    func updateProject(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let project = try await loadProject(context)
        let form = try await FormData.from(request)
        return try await attempt(request, context, form: form, back: .salesProject(project.id)) {
            try await env.stores.salesCatalogue.updateProject(
                project.id, name: form["name"], active: form.bool("active"),
                assignment: SalesProject.Assignment(rawValue: form["assignment"] ?? "") ?? .roundRobin,
                fixedResponsibleID: User.ID(string: form["fixedResponsibleId"]), expectedVersion: Int64(form["version"] ?? "") ?? 0,
                by: context.viewer)
        }
    }

    /// Adds a member with a role, or takes one off the project (`role` = `none`).
    func setMember(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let project = try await loadProject(context)
        let form = try await FormData.from(request)
        return try await attempt(request, context, form: form, back: .salesProject(project.id)) {
            guard let user = User.ID(string: form["userId"]) else { throw ValidationFailure([FieldError("userId", "required")]) }
            try await env.stores.salesCatalogue.setMember(project.id, user: user, role: SalesProjectMember.Role(rawValue: form["role"] ?? ""),
                                                          by: context.viewer)
        }
    }

    /// A new stage (`kind=stage`), a new subgroup of a stage (`kind=subgroup`, `parent` = stage), or, with `id`, an edit of either.
    func saveLevel(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let project = try await loadProject(context)
        let form = try await FormData.from(request)
        return try await attempt(request, context, form: form, back: .salesProject(project.id)) {
            let catalogue = env.stores.salesCatalogue
            let stages = try await catalogue.stages(of: project.id)
            let level: SalesCatalogueStore.Level
            switch form["kind"] {
            case "stage": level = .stage(project.id)
            case "subgroup":
                // The parent stage must be this project's; the store checks the subgroup hangs from it.
                guard let stage = stages.first(where: { $0.id.description == form["stage"] }) else {
                    throw ValidationFailure([FieldError("stageId", "required")])
                }
                level = .subgroup(stage.id)
            default: throw ValidationFailure([FieldError("kind", "invalid_choice")])
            }
            if let id = Int64(form["id"] ?? "") {
                try await catalogue.updateLevel(level, id: id, name: form["name"], active: form.bool("active"),
                                                expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer)
            } else {
                _ = try await catalogue.createLevel(level, name: form["name"], by: context.viewer)
            }
        }
    }

    func saveProduct(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let project = try await loadProject(context)
        let form = try await FormData.from(request)
        return try await attempt(request, context, form: form, back: .salesProject(project.id)) {
            let id = SalesProduct.ID(string: form["id"])
            _ = try await env.stores.salesCatalogue.saveProduct(id, project: project.id, subgroupID: SalesSubgroup.ID(string: form["subgroupId"]),
                                                                name: form["name"], model: form["model"], active: id == nil || form.bool("active"),
                                                                expectedVersion: Int64(form["version"] ?? ""), by: context.viewer)
        }
    }

    /// Runs a write and goes back to the page; a refusal shows the page again with the reasons.
    func attempt(_ request: Request, _ context: SignedInContext, form: FormData, back: SiteURL,
                 _ write: () async throws -> Void) async throws -> Response {
        try context.require(.manageSettings)
        let rerender = { (errors: [String], status: HTTPResponse.Status) async throws -> Response in
            if case .salesProject = back { return try await project(request, context, errors: errors, status: status) }
            return try await index(request, context, form: form, errors: errors, status: status)
        }
        do {
            try await write()
            return redirect(back, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await rerender(env.messages(failure, context.language).list, .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await rerender([env.translator.text("conflict_reload", context.language)], .conflict)
        }
    }

    func loadProject(_ context: SignedInContext) async throws -> SalesProject {
        guard let id = SalesProject.ID(string: context.parameters.get("project")),
              let project = try await env.stores.salesCatalogue.project(id) else { throw StoreError.notFound }
        return project
    }
}
