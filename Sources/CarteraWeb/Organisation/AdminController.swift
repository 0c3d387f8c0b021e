import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Administration: company settings, branches and departments. Users, roles
/// and client catalogues live in their own files.
struct AdminController {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.admin.route) { request, context in try self.index(request, context) }
        group.get(SiteURL.company.route) { request, context in try await self.company(request, context) }
        group.post(SiteURL.company.route) { request, context in try await self.saveCompany(request, context) }
        group.get(SiteURL.branches.route) { request, context in try await self.named(request, context, .branches) }
        group.post(SiteURL.branches.route) { request, context in try await self.createNamed(request, context, .branches) }
        group.get(SiteURL.departments.route) { request, context in try await self.named(request, context, .departments) }
        group.post(SiteURL.departments.route) { request, context in try await self.createNamed(request, context, .departments) }
        group.post("/admin/branches/:id") { request, context in try await self.updateNamed(request, context, .branches) }
        group.post("/admin/departments/:id") { request, context in try await self.updateNamed(request, context, .departments) }
        group.get(SiteURL.activityCategories.route) { request, context in try await self.named(request, context, .activityCategories) }
        group.post(SiteURL.activityCategories.route) { request, context in try await self.createNamed(request, context, .activityCategories) }
        group.post("/admin/activity-categories/:id") { request, context in try await self.updateNamed(request, context, .activityCategories) }
        group.get(SiteURL.opportunityTypes.route) { request, context in try await self.named(request, context, .opportunityTypes) }
        group.post(SiteURL.opportunityTypes.route) { request, context in try await self.createNamed(request, context, .opportunityTypes) }
        group.post("/admin/opportunity-types/:id") { request, context in try await self.updateNamed(request, context, .opportunityTypes) }
        for kind in [Named.reservationStatuses, .surveyQuestions] {
            group.get(kind.url.route) { request, context in try await self.named(request, context, kind) }
            group.post(kind.url.route) { request, context in try await self.createNamed(request, context, kind) }
            group.post(RouterPath(kind.url.path + "/:id")) { request, context in try await self.updateNamed(request, context, kind) }
        }
        group.post("/admin/activity-categories/:id/delete") { request, context in try await self.deleteCategory(request, context) }
        UsersAdmin(env: env).register(group)
        CataloguesAdmin(env: env).register(group)
        AssetKindsAdmin(env: env).register(group)
        MasterDataAdmin(env: env).register(group)
    }

    struct IndexPage: Encodable { struct Link: Encodable { let href: String; let label: String; let help: String }; let links: [Link] }

    func index(_ request: Request, _ context: SignedInContext) throws -> Response {
        guard context.viewer.can(.manageSettings) || context.viewer.can(.manageUsers) else { throw StoreError.forbidden }
        let t = env.t(context.language)
        var links: [(SiteURL, String)] = []
        if context.viewer.can(.manageSettings) {
            links += [(.company, "admin_company"), (.branches, "admin_branches"), (.departments, "admin_departments"),
                      (.roles, "admin_roles"), (.clientTypes, "admin_client_types"), (.clientGroups, "admin_client_groups"),
                      (.customFields, "admin_custom_fields"), (.activityCategories, "admin_activity_categories"),
                      (.assetKinds, "admin_asset_kinds"), (.masterTables, "admin_master_tables"), (.priceLists, "admin_price_lists"),
                      (.formTemplates, "admin_forms"), (.noticeConcepts, "admin_notice_concepts"),
                      (.opportunityTypes, "admin_opportunity_types"), (.salesAdmin, "admin_sales"), (.mapSettings, "admin_maps"),
                      (.adminMail, "admin_mail")]
        }
        if context.viewer.can(.manageUsers) { links.insert((.users, "admin_users"), at: 0) }
        let page = IndexPage(links: links.map { .init(href: $0.0.path, label: t[$0.1] ?? $0.1, help: t[$0.1 + "_help"] ?? "") })
        return try env.render("admin", request, context, title: t["nav_admin"] ?? "", section: .admin, page)
    }

    struct CompanyPage: Encodable {
        let name: String, country: String, currency: String, timeZone: String, version: Int64
        let languages: [Option]
        let errors: FormErrors
    }

    func company(_ request: Request, _ context: SignedInContext, form: FormData? = nil, errors: FormErrors = .none,
                 status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let company = try await env.stores.organisation.company()
        let t = env.t(context.language)
        let language = form?["locale"] ?? company?.language.rawValue ?? "es"
        let page = CompanyPage(name: form?["name"] ?? company?.name ?? "", country: form?["country"] ?? company?.country ?? "",
                               currency: form?["currency"] ?? company?.currency ?? "",
                               timeZone: form?["timeZone"] ?? company?.timeZone ?? "", version: company?.version ?? 0,
                               languages: Language.allCases.map {
                                   Option(value: $0.rawValue, label: t["language_\($0.rawValue)"] ?? "", selected: $0.rawValue == language)
                               }, errors: errors)
        return try env.render("admin-company", request, context, title: t["admin_company"] ?? "", section: .admin, page, status: status)
    }

    func saveCompany(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        let form = try await FormData.from(request)
        do {
            _ = try await env.stores.organisation.saveCompany(
                name: form["name"], country: form["country"], currency: form["currency"], locale: form["locale"],
                timeZone: form["timeZone"], expectedVersion: Int64(form["version"] ?? ""), by: context.viewer.id)
            return redirect(.company, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await company(request, context, form: form, errors: env.messages(failure, context.language),
                                     status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return redirect(.company, flash: env.translator.text("conflict_reload", context.language))
        }
    }

    enum Named {
        case branches, departments, activityCategories, opportunityTypes, reservationStatuses, surveyQuestions

        var url: SiteURL {
            switch self {
            case .branches: .branches
            case .departments: .departments
            case .activityCategories: .activityCategories
            case .opportunityTypes: .opportunityTypes
            case .reservationStatuses: .reservationStatuses
            case .surveyQuestions: .surveyQuestions
            }
        }
    }

    struct NamedPage: Encodable {
        struct Row: Encodable {
            let action: String; let name: String; let active: Bool; let version: Int64
            /// Only catalogues whose unused rows may go (activity categories).
            var deleteAction: String? = nil
        }
        let title: String
        let action: String
        let rows: [Row]
        let errors: FormErrors
        let value: String
    }

    func named(_ request: Request, _ context: SignedInContext, _ kind: Named, value: String = "",
               errors: FormErrors = .none, status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let t = env.t(context.language)
        let (title, action, rows): (String, SiteURL, [NamedPage.Row]) = switch kind {
        case .branches: (t["admin_branches"] ?? "", .branches, try await env.stores.organisation.branches().map {
            .init(action: "\(SiteURL.branches.path)/\($0.id)", name: $0.name, active: $0.active, version: $0.version)
        })
        case .departments: (t["admin_departments"] ?? "", .departments, try await env.stores.organisation.departments().map {
            .init(action: "\(SiteURL.departments.path)/\($0.id)", name: $0.name, active: $0.active, version: $0.version)
        })
        case .activityCategories: (t["admin_activity_categories"] ?? "", .activityCategories,
                                   try await env.stores.organisation.activityCategories().map {
            .init(action: "\(SiteURL.activityCategories.path)/\($0.id)", name: $0.name, active: $0.active, version: $0.version,
                  deleteAction: "\(SiteURL.activityCategories.path)/\($0.id)/delete")
        })
        case .opportunityTypes: (t["admin_opportunity_types"] ?? "", .opportunityTypes, try await env.stores.opportunities.types().map {
            .init(action: "\(SiteURL.opportunityTypes.path)/\($0.id)", name: $0.name, active: $0.active, version: $0.version)
        })
        case .reservationStatuses: (t["admin_reservation_statuses"] ?? "", .reservationStatuses,
                                    try await env.stores.salesCatalogue.reservationStatuses().map {
            .init(action: "\(SiteURL.reservationStatuses.path)/\($0.id)", name: $0.name, active: $0.active, version: $0.version)
        })
        case .surveyQuestions: (t["admin_survey_questions"] ?? "", .surveyQuestions, try await env.stores.salesCatalogue.surveyQuestions().map {
            .init(action: "\(SiteURL.surveyQuestions.path)/\($0.id)", name: $0.text, active: $0.active, version: $0.version)
        })
        }
        return try env.render("admin-named", request, context, title: title, section: .admin,
                              NamedPage(title: title, action: action.path, rows: rows, errors: errors, value: value),
                              status: status)
    }

    func updateNamed(_ request: Request, _ context: SignedInContext, _ kind: Named) async throws -> Response {
        try context.require(.manageSettings)
        let form = try await FormData.from(request)
        let raw = context.parameters.get("id")
        let version = Int64(form["version"] ?? "") ?? 0
        do {
            switch kind {
            case .branches:
                guard let id = Branch.ID(string: raw) else { throw StoreError.notFound }
                try await env.stores.organisation.updateBranch(id, name: form["name"], active: form.bool("active"),
                                                               expectedVersion: version, by: context.viewer.id)
            case .departments:
                guard let id = Department.ID(string: raw) else { throw StoreError.notFound }
                try await env.stores.organisation.updateDepartment(id, name: form["name"], active: form.bool("active"),
                                                                   expectedVersion: version, by: context.viewer.id)
            case .activityCategories:
                guard let id = ActivityCategory.ID(string: raw) else { throw StoreError.notFound }
                try await env.stores.organisation.updateActivityCategory(id, name: form["name"], active: form.bool("active"),
                                                                         expectedVersion: version, by: context.viewer.id)
            case .opportunityTypes:
                guard let id = OpportunityType.ID(string: raw) else { throw StoreError.notFound }
                try await env.stores.opportunities.updateType(id, name: form["name"], active: form.bool("active"), expectedVersion: version,
                                                              by: context.viewer)
            case .reservationStatuses, .surveyQuestions:
                guard let id = Int64(raw ?? "") else { throw StoreError.notFound }
                try await env.stores.salesCatalogue.updateNamed(kind == .reservationStatuses ? .reservationStatuses : .surveyQuestions, id: id,
                                                                name: form["name"], active: form.bool("active"), expectedVersion: version,
                                                                by: context.viewer)
            }
            return redirect(kind.url, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await named(request, context, kind, errors: env.messages(failure, context.language), status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await named(request, context, kind, errors: FormErrors(
                byField: [:], list: [env.translator.text("conflict_reload", context.language)]), status: .conflict)
        }
    }

    func createNamed(_ request: Request, _ context: SignedInContext, _ kind: Named) async throws -> Response {
        try context.require(.manageSettings)
        let form = try await FormData.from(request)
        do {
            switch kind {
            case .branches: _ = try await env.stores.organisation.createBranch(name: form["name"], by: context.viewer.id)
            case .departments: _ = try await env.stores.organisation.createDepartment(name: form["name"], by: context.viewer.id)
            case .activityCategories:
                _ = try await env.stores.organisation.createActivityCategory(name: form["name"], by: context.viewer.id)
            case .opportunityTypes: try await env.stores.opportunities.createType(name: form["name"], by: context.viewer)
            case .reservationStatuses: try await env.stores.salesCatalogue.createNamed(.reservationStatuses, name: form["name"], by: context.viewer)
            case .surveyQuestions: try await env.stores.salesCatalogue.createNamed(.surveyQuestions, name: form["name"], by: context.viewer)
            }
            return redirect(kind.url, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await named(request, context, kind, value: form["name"] ?? "",
                                   errors: env.messages(failure, context.language), status: .unprocessableContent)
        }
    }

    /// Deletes an activity category nobody uses; one in use stays, with a message saying why.
    func deleteCategory(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        guard let id = ActivityCategory.ID(string: context.parameters.get("id")) else { throw StoreError.notFound }
        do {
            try await env.stores.organisation.deleteActivityCategory(id, by: context.viewer.id)
            return redirect(.activityCategories, flash: env.translator.text("flash_deleted", context.language))
        } catch let failure as ValidationFailure {
            return try await named(request, context, .activityCategories, errors: env.messages(failure, context.language),
                                   status: .unprocessableContent)
        }
    }
}
