import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/follow-ups`: the same scope, rules and tabs as the panel.
extension APIController {
    func registerFollowUps(_ api: RouterGroup<SignedInContext>) {
        api.get("follow-ups") { request, context in try await self.listFollowUps(request, context) }
        api.post("follow-ups") { request, context in try await self.createFollowUp(request, context) }
        api.get("follow-ups/:followUp") { _, context in try await self.getFollowUp(context) }
        api.patch("follow-ups/:followUp") { request, context in try await self.patchFollowUp(request, context) }
        api.post("follow-ups/:followUp/done") { _, context in try await self.setFollowUpStatus(context, .done) }
        api.post("follow-ups/:followUp/reopen") { _, context in try await self.setFollowUpStatus(context, .pending) }
    }

    struct FollowUpJSON: Encodable {
        let f: FollowUp
        init(_ f: FollowUp) { self.f = f }

        enum CodingKeys: String, CodingKey {
            case id, clientId, contactId, ownerId, responsibleId, title, description, colour, dueAt, remindMinutesBefore
            case status, doneAt, doneById, version
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(f.id.rawValue, forKey: .id); try c.encode(f.clientID.rawValue, forKey: .clientId)
            try c.encode(f.draft.contactID?.rawValue, forKey: .contactId); try c.encode(f.ownerID.rawValue, forKey: .ownerId)
            try c.encode(f.draft.responsibleID.rawValue, forKey: .responsibleId); try c.encode(f.draft.title, forKey: .title)
            try c.encode(f.draft.description, forKey: .description); try c.encode(f.draft.colour.rawValue, forKey: .colour)
            try c.encode(f.draft.dueAt, forKey: .dueAt); try c.encode(f.draft.remindMinutesBefore, forKey: .remindMinutesBefore)
            try c.encode(f.status.rawValue, forKey: .status); try c.encode(f.doneAt, forKey: .doneAt)
            try c.encode(f.doneByID?.rawValue, forKey: .doneById); try c.encode(f.version, forKey: .version)
        }
    }

    /// What a client sends; every field optional so PATCH can merge over the current values.
    struct FollowUpInput: Decodable {
        var clientId: Int64?
        var contactId: Int64?
        var responsibleId: Int64?
        var title: String?
        var description: String?
        var colour: String?
        var dueAt: String?
        var remindMinutesBefore: Int?

        func draft(defaultResponsible: User.ID) throws -> FollowUpDraft {
            var errors: [FieldError] = []
            let due = dueAt.flatMap(RFC3339.date)
            if dueAt == nil { errors.append(FieldError("dueAt", "required")) } else if due == nil { errors.append(FieldError("dueAt", "invalid_datetime")) }
            let colour = colour.map { FollowUp.Colour(rawValue: $0) } ?? .blue
            if colour == nil { errors.append(FieldError("colour", "invalid_choice")) }
            let draft = FollowUpDraft(contactID: contactId.map(Contact.ID.init), responsibleID: responsibleId.map(User.ID.init) ?? defaultResponsible,
                                      title: title ?? "", description: description, colour: colour ?? .blue,
                                      dueAt: due ?? Date(timeIntervalSince1970: 0), remindMinutesBefore: remindMinutesBefore)
            return try draft.validated(after: errors)
        }
    }

    func listFollowUps(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let limit = try query.limit()
        let cursor = try Cursor(query.form["cursor"])
        let responsible: User.ID? = try query.id("responsibleId")
        let found = try await env.stores.followUps.list(
            FollowUpQuery(tab: try query.choice("tab", FollowUpTab.self), status: try query.choice("status", FollowUp.Status.self),
                          responsible: responsible.map { .user($0) } ?? .anyone, clientID: try query.id("clientId"),
                          limit: limit + 1, offset: cursor.offset),
            by: context.viewer, timeZone: context.timeZone)
        let next = found.count > limit ? Cursor.offset(cursor.offset + limit) : nil
        return try json(ListPage(items: found.prefix(limit).map { FollowUpJSON($0.followUp) }, nextCursor: next))
    }

    func createFollowUp(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let input = try JSONInput.decode(FollowUpInput.self, from: try await body(request))
        guard let clientID = input.clientId.map(Client.ID.init) else { throw ValidationFailure([FieldError("clientId", "required")]) }
        let draft = try input.draft(defaultResponsible: context.viewer.id)
        let created: FollowUp
        do {
            created = try await env.stores.followUps.create(clientID: clientID, draft, by: context.viewer)
        } catch StoreError.notFound {
            throw ValidationFailure([FieldError("clientId", "unknown_reference")])
        }
        return try json(FollowUpJSON(created), status: .created, etag: created.version)
    }

    func getFollowUp(_ context: SignedInContext) async throws -> Response {
        let followUp = try await loadFollowUp(context)
        return try json(FollowUpJSON(followUp), etag: followUp.version)
    }

    /// JSON merge patch over the writable fields; `If-Match` required.
    func patchFollowUp(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ["contactId", "responsibleId", "title", "description", "colour", "dueAt",
                                             "remindMinutesBefore"])
        let version = try expectedVersion(request, context)
        let followUp = try await loadFollowUp(context)
        let d = followUp.draft
        var current: [String: Any] = ["responsibleId": d.responsibleID.rawValue, "title": d.title, "colour": d.colour.rawValue,
                                      "dueAt": ISO8601DateFormatter().string(from: d.dueAt)]
        if let contact = d.contactID { current["contactId"] = contact.rawValue }
        if let description = d.description { current["description"] = description }
        if let minutes = d.remindMinutesBefore { current["remindMinutesBefore"] = minutes }
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        let input = try JSONInput.decode(FollowUpInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        let saved = try await env.stores.followUps.update(followUp.id, try input.draft(defaultResponsible: d.responsibleID),
                                                          expectedVersion: version, by: context.viewer)
        return try json(FollowUpJSON(saved), etag: saved.version)
    }

    func setFollowUpStatus(_ context: SignedInContext, _ status: FollowUp.Status) async throws -> Response {
        let saved = try await env.stores.followUps.setStatus(try loadFollowUp(context).id, status, by: context.viewer)
        return try json(FollowUpJSON(saved), etag: saved.version)
    }

    func loadFollowUp(_ context: SignedInContext) async throws -> FollowUp {
        guard let id = FollowUp.ID(string: context.parameters.get("followUp")),
              let followUp = try await env.stores.followUps.followUp(id, by: context.viewer) else { throw StoreError.notFound }
        return followUp
    }
}
