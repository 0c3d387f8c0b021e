import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Client projects: added on the client card; each project's page shows its
/// data (editable), its pending and completed work orders and activities.
struct ProjectsController {
    let env: WebEnvironment
    let clients: ClientsController

    func register(_ group: RouterGroup<SignedInContext>) {
        group.post("/clients/:id/projects") { request, context in try await self.create(request, context) }
        group.get("/projects/:project") { request, context in try await self.page(request, context) }
        group.post("/projects/:project") { request, context in try await self.update(request, context) }
    }

    struct Page: Encodable {
        let title: String
        /// "Inicio 2026-12-01 · Fecha objetivo 2027-02-28 · A cargo: Ana"
        let summary: String
        let clientName: String
        let clientURL: String
        let action: String
        let version: Int64
        let values: [String: String]
        let closed: Bool
        let managers: [Option]
        let contacts: [Option]
        let errors: [String]
        let pending: [ActivityRow]
        let done: [ActivityRow]
        let pendingOrders: [WorkOrderRow]
        /// Finished, verified or cancelled.
        let doneOrders: [WorkOrderRow]
        let newOrderURL: String
        let back: String
    }

    /// The project form's fields, parsed; dates are `YYYY-MM-DD`.
    static func draft(_ form: FormData) throws(ValidationFailure) -> ProjectDraft {
        var errors: [FieldError] = []
        func date(_ key: String) -> CalendarDate? {
            guard let text = form.text(key) else { return nil }
            guard let date = CalendarDate(text) else { errors.append(FieldError(key, "invalid_date")); return nil }
            return date
        }
        let draft = ProjectDraft(name: form["name"] ?? "", startsOn: date("startsOn"), targetOn: date("targetOn"),
                                 managerID: User.ID(string: form["managerId"]), contactID: Contact.ID(string: form["contactId"]),
                                 closed: form.bool("closed"))
        return try draft.validated(after: errors)
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = try await FormData.from(request)
        let back = SiteURL.client(client.id).path + "#projects"
        do {
            let project = try await env.stores.projects.create(clientID: client.id, try Self.draft(form), by: context.viewer)
            return redirect(to: SiteURL.project(project.id).path, flash: env.translator.text("flash_project_saved", context.language))
        } catch let failure as ValidationFailure {
            return redirect(to: back, flash: env.messages(failure, context.language).list.joined(separator: " "))
        }
    }

    func page(_ request: Request, _ context: SignedInContext, form: FormData? = nil, errors: [String] = [], version: Int64? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let (project, client) = try await load(context)
        async let activities = env.stores.activities.list(ActivityQuery(person: .anyone, projectID: project.id, limit: 500),
                                                          by: context.viewer)
        async let orders = env.stores.workOrders.list(WorkOrderQuery(projectID: project.id, limit: 500), by: context.viewer)
        async let users = env.stores.users.all()
        async let contacts = env.stores.contacts.contacts(of: client.id, scope: context.clientScope)
        let d = project.draft
        let values = form.map { f in ["name", "startsOn", "targetOn", "managerId", "contactId"].reduce(into: [String: String]()) { $0[$1] = f[$1] ?? "" } }
            ?? ["name": d.name, "startsOn": d.startsOn?.description ?? "", "targetOn": d.targetOn?.description ?? "",
                "managerId": d.managerID?.description ?? "", "contactId": d.contactID?.description ?? ""]
        let rows = try await activities.map { ActivityRow($0, env: env, context: context) }
        let orderRows = try await orders.map { ($0.order.status.isPending, WorkOrderRow($0, env: env, context: context)) }
        let t = env.t(context.language)
        let managers = try await users
        let summary = [d.startsOn.map { "\(t["field_startsOn"] ?? "") \($0)" }, d.targetOn.map { "\(t["field_targetOn"] ?? "") \($0)" },
                       d.managerID.flatMap { id in managers.first { $0.id == id } }.map { "\(t["field_managerId_project"] ?? ""): \($0.name)" }]
            .compactMap { $0 }.joined(separator: " · ")
        let page = Page(
            title: "\(env.translator.text("project", context.language)) \(project.projectKey): \(d.name)", summary: summary,
            clientName: "\(client.clientNumber) · \(client.displayName)", clientURL: SiteURL.client(client.id).path,
            action: SiteURL.project(project.id).path, version: version ?? project.version, values: values,
            closed: form.map { $0.bool("closed") } ?? d.closed,
            managers: Option.list(managers.filter(\.active).map { ($0.id, $0.name) }, selected: values["managerId"]),
            contacts: Option.list(try await contacts.map { ($0.id, $0.name) }, selected: values["contactId"]), errors: errors,
            pending: rows.filter { !$0.done }, done: rows.filter(\.done),
            pendingOrders: orderRows.filter(\.0).map(\.1), doneOrders: orderRows.filter { !$0.0 }.map(\.1),
            newOrderURL: SiteURL.newWorkOrder(client.id).path + "?project=\(project.id)", back: request.uri.description)
        return try env.render("project", request, context, title: page.title, section: .clients, page, status: status)
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (project, _) = try await load(context)
        let form = try await FormData.from(request)
        let version = Int64(form["version"] ?? "") ?? 0
        do {
            _ = try await env.stores.projects.update(project.id, try Self.draft(form), expectedVersion: version, by: context.viewer)
            return redirect(to: SiteURL.project(project.id).path, flash: env.translator.text("flash_project_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await page(request, context, form: form, errors: env.messages(failure, context.language).list,
                                  version: version, status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await page(request, context, form: form, errors: [env.translator.text("conflict_reload", context.language)],
                                  version: current, status: .conflict)
        }
    }

    func load(_ context: SignedInContext) async throws -> (Project, Client) {
        guard let id = Project.ID(string: context.parameters.get("project")),
              let project = try await env.stores.projects.project(id, by: context.viewer),
              let client = try await env.stores.clients.client(project.clientID, scope: context.clientScope)
        else { throw StoreError.notFound }
        return (project, client)
    }
}
