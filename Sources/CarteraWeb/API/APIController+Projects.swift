import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/projects`: client projects, visible with their client.
extension APIController {
    func registerProjects(_ api: RouterGroup<SignedInContext>) {
        api.get("projects") { request, context in try await self.listProjects(request, context) }
        api.post("projects") { request, context in try await self.createProject(request, context) }
        api.get("projects/:project") { _, context in try await self.getProject(context) }
        api.patch("projects/:project") { request, context in try await self.patchProject(request, context) }
    }

    struct ProjectJSON: Encodable {
        let p: Project
        init(_ p: Project) { self.p = p }
        enum CodingKeys: String, CodingKey { case id, projectKey, clientId, name, startsOn, targetOn, managerId, contactId, closed, version }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(p.id.rawValue, forKey: .id); try c.encode(p.projectKey, forKey: .projectKey)
            try c.encode(p.clientID.rawValue, forKey: .clientId); try c.encode(p.draft.name, forKey: .name)
            try c.encode(p.draft.startsOn?.description, forKey: .startsOn); try c.encode(p.draft.targetOn?.description, forKey: .targetOn)
            try c.encode(p.draft.managerID?.rawValue, forKey: .managerId); try c.encode(p.draft.contactID?.rawValue, forKey: .contactId)
            try c.encode(p.draft.closed, forKey: .closed); try c.encode(p.version, forKey: .version)
        }
    }

    struct ProjectInput: Decodable {
        var clientId: Int64?
        var name: String?
        var startsOn: String?
        var targetOn: String?
        var managerId: Int64?
        var contactId: Int64?
        var closed: Bool?

        var draft: ProjectDraft {
            get throws {
                var errors: [FieldError] = []
                func date(_ text: String?, _ field: String) -> CalendarDate? {
                    guard let text else { return nil }
                    guard let date = CalendarDate(text) else { errors.append(FieldError(field, "invalid_date")); return nil }
                    return date
                }
                let draft = ProjectDraft(name: name ?? "", startsOn: date(startsOn, "startsOn"), targetOn: date(targetOn, "targetOn"),
                                         managerID: managerId.map(User.ID.init), contactID: contactId.map(Contact.ID.init),
                                         closed: closed ?? false)
                return try draft.validated(after: errors)
            }
        }
    }

    func listProjects(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let projects = try await env.stores.projects.list(clientID: try query.id("clientId"), by: context.viewer,
                                                          limit: try query.limit(default: 200, maximum: 500))
        return try json(ListPage(items: projects.map { ProjectJSON($0.project) }, nextCursor: nil))
    }

    func createProject(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let input = try JSONInput.decode(ProjectInput.self, from: try await body(request))
        guard let clientID = input.clientId.map(Client.ID.init) else { throw ValidationFailure([FieldError("clientId", "required")]) }
        let draft = try input.draft
        do {
            let project = try await env.stores.projects.create(clientID: clientID, draft, by: context.viewer)
            return try json(ProjectJSON(project), status: .created, etag: project.version)
        } catch StoreError.notFound {
            throw ValidationFailure([FieldError("clientId", "unknown_reference")])
        }
    }

    func getProject(_ context: SignedInContext) async throws -> Response {
        let project = try await loadProject(context)
        return try json(ProjectJSON(project), etag: project.version)
    }

    func patchProject(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ["name", "startsOn", "targetOn", "managerId", "contactId", "closed"])
        let version = try expectedVersion(request, context)
        let project = try await loadProject(context)
        let d = project.draft
        var current: [String: Any] = ["name": d.name, "closed": d.closed]
        if let start = d.startsOn { current["startsOn"] = start.description }
        if let target = d.targetOn { current["targetOn"] = target.description }
        if let manager = d.managerID { current["managerId"] = manager.rawValue }
        if let contact = d.contactID { current["contactId"] = contact.rawValue }
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        let input = try JSONInput.decode(ProjectInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        let saved = try await env.stores.projects.update(project.id, try input.draft, expectedVersion: version, by: context.viewer)
        return try json(ProjectJSON(saved), etag: saved.version)
    }

    func loadProject(_ context: SignedInContext) async throws -> Project {
        guard let id = Project.ID(string: context.parameters.get("project")),
              let project = try await env.stores.projects.project(id, by: context.viewer) else { throw StoreError.notFound }
        return project
    }
}
