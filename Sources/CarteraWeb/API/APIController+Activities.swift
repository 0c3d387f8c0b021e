import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/activities` and `/api/v1/activity-categories`: the same scope and rules as the pages.
extension APIController {
    func registerActivities(_ api: RouterGroup<SignedInContext>) {
        api.get("activities") { request, context in try await self.listActivities(request, context) }
        api.post("activities") { request, context in try await self.createActivity(request, context) }
        api.get("activities/:activity") { _, context in try await self.getActivity(context) }
        api.patch("activities/:activity") { request, context in try await self.patchActivity(request, context) }
        api.post("activities/:activity/done") { _, context in try await self.setActivityStatus(context, .done) }
        api.post("activities/:activity/reopen") { _, context in try await self.setActivityStatus(context, .pending) }
        api.get("activity-categories") { _, _ in try await self.listActivityCategories() }
        api.post("activity-categories") { request, context in try await self.createActivityCategory(request, context) }
    }

    struct ActivityJSON: Encodable {
        let a: Activity
        init(_ a: Activity) { self.a = a }

        enum CodingKeys: String, CodingKey {
            case id, clientId, contactId, categoryId, projectId, userId, detail, at, status, doneAt, doneById, createdById, version
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(a.id.rawValue, forKey: .id); try c.encode(a.clientID.rawValue, forKey: .clientId)
            try c.encode(a.draft.contactID?.rawValue, forKey: .contactId); try c.encode(a.draft.categoryID?.rawValue, forKey: .categoryId)
            try c.encode(a.draft.projectID?.rawValue, forKey: .projectId)
            try c.encode(a.draft.userID.rawValue, forKey: .userId); try c.encode(a.draft.detail, forKey: .detail)
            try c.encode(a.draft.at, forKey: .at); try c.encode(a.status.rawValue, forKey: .status)
            try c.encode(a.doneAt, forKey: .doneAt); try c.encode(a.doneByID?.rawValue, forKey: .doneById)
            try c.encode(a.createdBy.rawValue, forKey: .createdById); try c.encode(a.version, forKey: .version)
        }
    }

    struct ActivityInput: Decodable {
        var clientId: Int64?
        var contactId: Int64?
        var categoryId: Int64?
        var projectId: Int64?
        var userId: Int64?
        var detail: String?
        var at: String?

        func draft(defaultUser: User.ID) throws -> ActivityDraft {
            var errors: [FieldError] = []
            let instant = at.flatMap(RFC3339.date)
            if at == nil { errors.append(FieldError("at", "required")) } else if instant == nil { errors.append(FieldError("at", "invalid_datetime")) }
            return try ActivityDraft(contactID: contactId.map(Contact.ID.init), categoryID: categoryId.map(ActivityCategory.ID.init),
                                     projectID: projectId.map(Project.ID.init), userID: userId.map(User.ID.init) ?? defaultUser, detail: detail ?? "",
                                     at: instant ?? Date(timeIntervalSince1970: 0)).validated(after: errors)
        }
    }

    func listActivities(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let limit = try query.limit()
        let cursor = try Cursor(query.form["cursor"])
        let user: User.ID? = try query.id("userId")
        let found = try await env.stores.activities.list(
            ActivityQuery(person: user.map { .user($0) } ?? .anyone, status: try query.choice("status", FollowUp.Status.self),
                          clientID: try query.id("clientId"), contactID: try query.id("contactId"),
                          projectID: try query.id("projectId"), from: try query.instant("from"),
                          to: try query.instant("to"), limit: limit + 1, offset: cursor.offset),
            by: context.viewer)
        let next = found.count > limit ? Cursor.offset(cursor.offset + limit) : nil
        return try json(ListPage(items: found.prefix(limit).map { ActivityJSON($0.activity) }, nextCursor: next))
    }

    func createActivity(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let input = try JSONInput.decode(ActivityInput.self, from: try await body(request))
        guard let clientID = input.clientId.map(Client.ID.init) else { throw ValidationFailure([FieldError("clientId", "required")]) }
        let draft = try input.draft(defaultUser: context.viewer.id)
        do {
            let created = try await env.stores.activities.create(clientID: clientID, draft, by: context.viewer)
            return try json(ActivityJSON(created), status: .created, etag: created.version)
        } catch StoreError.notFound {
            throw ValidationFailure([FieldError("clientId", "unknown_reference")])
        }
    }

    func getActivity(_ context: SignedInContext) async throws -> Response {
        let activity = try await loadActivity(context)
        return try json(ActivityJSON(activity), etag: activity.version)
    }

    func patchActivity(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ["contactId", "categoryId", "projectId", "userId", "detail", "at"])
        let version = try expectedVersion(request, context)
        let activity = try await loadActivity(context)
        let d = activity.draft
        var current: [String: Any] = ["userId": d.userID.rawValue, "detail": d.detail, "at": ISO8601DateFormatter().string(from: d.at)]
        if let contact = d.contactID { current["contactId"] = contact.rawValue }
        if let category = d.categoryID { current["categoryId"] = category.rawValue }
        if let project = d.projectID { current["projectId"] = project.rawValue }
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        let input = try JSONInput.decode(ActivityInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        let saved = try await env.stores.activities.update(activity.id, try input.draft(defaultUser: d.userID),
                                                           expectedVersion: version, by: context.viewer)
        return try json(ActivityJSON(saved), etag: saved.version)
    }

    func setActivityStatus(_ context: SignedInContext, _ status: FollowUp.Status) async throws -> Response {
        let saved = try await env.stores.activities.setStatus(try loadActivity(context).id, status, by: context.viewer)
        return try json(ActivityJSON(saved), etag: saved.version)
    }

    func loadActivity(_ context: SignedInContext) async throws -> Activity {
        guard let id = Activity.ID(string: context.parameters.get("activity")),
              let activity = try await env.stores.activities.activity(id, by: context.viewer) else { throw StoreError.notFound }
        return activity
    }

    struct CategoryJSON: Encodable {
        let id: Int64, name: String, active: Bool, version: Int64
        init(_ c: ActivityCategory) { id = c.id.rawValue; name = c.name; active = c.active; version = c.version }
    }

    func listActivityCategories() async throws -> Response {
        try json(ListPage(items: try await env.stores.organisation.activityCategories().map(CategoryJSON.init), nextCursor: nil))
    }

    func createActivityCategory(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        struct Input: Decodable { let name: String }
        let input = try JSONInput.decode(Input.self, from: try await body(request))
        let id = try await env.stores.organisation.createActivityCategory(name: input.name, by: context.viewer.id)
        let created = try await env.stores.organisation.activityCategories().first { $0.id == id }!
        return try json(CategoryJSON(created), status: .created, etag: created.version)
    }
}
