import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/opportunities` and `/api/v1/opportunity-types`: read under rule 2 (creator and agent).
extension APIController {
    func registerOpportunities(_ api: RouterGroup<SignedInContext>) {
        api.get("opportunity-types") { _, _ in try await self.listOpportunityTypes() }
        api.get("opportunities") { request, context in try await self.listOpportunities(request, context) }
        api.post("opportunities") { request, context in try await self.createOpportunity(request, context) }
        api.get("opportunities/:opportunity") { _, context in try await self.getOpportunity(context) }
        api.patch("opportunities/:opportunity") { request, context in try await self.patchOpportunity(request, context) }
        api.post("opportunities/:opportunity/steps") { request, context in try await self.stepOpportunity(request, context) }
        api.get("opportunities/:opportunity/history") { _, context in try await self.opportunityHistory(context) }
    }

    struct OpportunityJSON: Encodable {
        let id: Int64, clientId: Int64, contactId: Int64?, typeId: Int64?, agentId: Int64, ownerId: Int64, subject: String
        let observations: String?, heardFrom: String?, status: String, nextContactOn: String?, invoiceNumber: String?, createdAt: Date
        let version: Int64
        init(_ o: Opportunity) {
            let d = o.draft
            id = o.id.rawValue; clientId = o.clientID.rawValue; contactId = d.contactID?.rawValue; typeId = d.typeID?.rawValue
            agentId = d.agentID.rawValue; ownerId = o.ownerID.rawValue; subject = d.subject; observations = d.observations
            heardFrom = d.heardFrom; status = o.status.rawValue; nextContactOn = o.nextContactOn?.description
            invoiceNumber = o.invoiceNumber; createdAt = o.createdAt; version = o.version
        }
        enum CodingKeys: String, CodingKey {
            case id, clientId, contactId, typeId, agentId, ownerId, subject, observations, heardFrom, status, nextContactOn, invoiceNumber,
                 createdAt, version
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(clientId, forKey: .clientId); try c.encode(contactId, forKey: .contactId)
            try c.encode(typeId, forKey: .typeId); try c.encode(agentId, forKey: .agentId); try c.encode(ownerId, forKey: .ownerId)
            try c.encode(subject, forKey: .subject); try c.encode(observations, forKey: .observations)
            try c.encode(heardFrom, forKey: .heardFrom); try c.encode(status, forKey: .status)
            try c.encode(nextContactOn, forKey: .nextContactOn); try c.encode(invoiceNumber, forKey: .invoiceNumber)
            try c.encode(createdAt, forKey: .createdAt); try c.encode(version, forKey: .version)
        }
    }

    struct OpportunityInput: Decodable {
        var clientId: Int64?
        var contactId: Int64?
        var typeId: Int64?
        var agentId: Int64?
        var subject: String?
        var observations: String?
        var heardFrom: String?

        func draft(defaultAgent: User.ID) throws -> OpportunityDraft {
            try OpportunityDraft(contactID: contactId.map(Contact.ID.init), typeID: typeId.map(OpportunityType.ID.init),
                                 agentID: agentId.map(User.ID.init) ?? defaultAgent, subject: subject ?? "", observations: observations,
                                 heardFrom: heardFrom).validated()
        }
    }

    func listOpportunityTypes() async throws -> Response {
        struct TypeJSON: Encodable { let id: Int64, name: String, active: Bool }
        return try json(ListPage(items: try await env.stores.opportunities.types().map { TypeJSON(id: $0.id.rawValue, name: $0.name, active: $0.active) },
                                 nextCursor: nil))
    }

    func listOpportunities(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let limit = try query.limit()
        let cursor = try Cursor(query.form["cursor"])
        let status = try query.choice("status", Opportunity.Status.self)
        let agent: User.ID? = try query.id("agentId")
        let found = try await env.stores.opportunities.list(
            OpportunityQuery(agent: agent.map { .user($0) } ?? .anyone, statuses: status.map { [$0] } ?? [], clientID: try query.id("clientId"),
                             typeID: try query.id("typeId"), from: try query.instant("from"), to: try query.instant("to"), limit: limit + 1,
                             offset: cursor.offset),
            by: context.viewer)
        let next = found.count > limit ? Cursor.offset(cursor.offset + limit) : nil
        return try json(ListPage(items: found.prefix(limit).map { OpportunityJSON($0.opportunity) }, nextCursor: next))
    }

    /// The agent defaults to the caller.
    func createOpportunity(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let input = try JSONInput.decode(OpportunityInput.self, from: try await body(request))
        let created = try await createAtClient(input.clientId, draft: { try input.draft(defaultAgent: context.viewer.id) }) {
            try await env.stores.opportunities.create(clientID: $0, $1, by: context.viewer)
        }
        var response = try json(OpportunityJSON(created), status: .created, etag: created.version)
        response.headers[.location] = "/api/v1/opportunities/\(created.id)"
        return response
    }

    func getOpportunity(_ context: SignedInContext) async throws -> Response {
        let opportunity = try await loadOpportunity(context)
        return try json(OpportunityJSON(opportunity), etag: opportunity.version)
    }

    /// Merge patch over what was written when opening it; the status moves through `steps`.
    func patchOpportunity(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ["contactId", "typeId", "agentId", "subject", "observations", "heardFrom"])
        let version = try expectedVersion(request, context)
        let opportunity = try await loadOpportunity(context)
        let current = try JSONSerialization.jsonObject(with: try encoder().encode(OpportunityJSON(opportunity)))
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        let input = try JSONInput.decode(OpportunityInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        let saved = try await env.stores.opportunities.update(opportunity.id, try input.draft(defaultAgent: opportunity.draft.agentID),
                                                              expectedVersion: version, by: context.viewer)
        return try json(OpportunityJSON(saved), etag: saved.version)
    }

    /// One step: `{"to": "waiting", "comment": "…", "nextContactOn": "2026-10-05"}` with `If-Match`.
    func stepOpportunity(_ request: Request, _ context: SignedInContext) async throws -> Response {
        struct Input: Decodable {
            let to: String?, comment: String?, nextContactOn: String?, invoiceNumber: String?, lostReason: String?, improvement: String?
        }
        let version = try expectedVersion(request, context)
        let opportunity = try await loadOpportunity(context)
        let input = try JSONInput.decode(Input.self, from: try await body(request))
        var errors: [FieldError] = []
        let to = input.to.flatMap(Opportunity.Status.init)
        if to == nil { errors.append(FieldError("to", input.to == nil ? "required" : "invalid_choice")) }
        let next = input.nextContactOn.flatMap(CalendarDate.init)
        if input.nextContactOn != nil && next == nil { errors.append(FieldError("nextContactOn", "invalid_date")) }
        guard errors.isEmpty, let to else { throw ValidationFailure(errors) }
        let saved = try await env.stores.opportunities.step(
            opportunity.id, OpportunityStep(to: to, comment: input.comment, nextContactOn: next, invoiceNumber: input.invoiceNumber,
                                            lostReason: input.lostReason, improvement: input.improvement),
            expectedVersion: version, timeZone: context.timeZone, by: context.viewer)
        return try json(OpportunityJSON(saved), etag: saved.version)
    }

    func opportunityHistory(_ context: SignedInContext) async throws -> Response {
        struct EventJSON: Encodable {
            let status: String, comment: String?, nextContactOn: String?, invoiceNumber: String?, lostReason: String?, improvement: String?
            let userId: Int64, userName: String, at: Date
            enum CodingKeys: String, CodingKey {
                case status, comment, nextContactOn, invoiceNumber, lostReason, improvement, userId, userName, at
            }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(status, forKey: .status); try c.encode(comment, forKey: .comment); try c.encode(nextContactOn, forKey: .nextContactOn)
                try c.encode(invoiceNumber, forKey: .invoiceNumber); try c.encode(lostReason, forKey: .lostReason)
                try c.encode(improvement, forKey: .improvement); try c.encode(userId, forKey: .userId); try c.encode(userName, forKey: .userName)
                try c.encode(at, forKey: .at)
            }
        }
        let opportunity = try await loadOpportunity(context)
        let events = try await env.stores.opportunities.history(of: opportunity.id, by: context.viewer).map {
            EventJSON(status: $0.status.rawValue, comment: $0.step.comment, nextContactOn: $0.step.nextContactOn?.description,
                      invoiceNumber: $0.step.invoiceNumber, lostReason: $0.step.lostReason, improvement: $0.step.improvement,
                      userId: $0.userID.rawValue, userName: $0.userName, at: $0.at)
        }
        return try json(ListPage(items: events, nextCursor: nil))
    }

    func loadOpportunity(_ context: SignedInContext) async throws -> Opportunity {
        guard let id = Opportunity.ID(string: context.parameters.get("opportunity")),
              let opportunity = try await env.stores.opportunities.opportunity(id, by: context.viewer) else { throw StoreError.notFound }
        return opportunity
    }
}
