import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/recurring-orders`: rules visible with their client; creating or
/// editing one makes its orders up to the horizon in the same transaction.
extension APIController {
    func registerRecurringOrders(_ api: RouterGroup<SignedInContext>) {
        api.get("clients/:id/recurring-orders") { _, context in try await self.clientRecurringOrders(context) }
        api.post("recurring-orders") { request, context in try await self.createRecurringOrder(request, context) }
        api.get("recurring-orders/:rule") { _, context in try await self.getRecurringOrder(context) }
        api.patch("recurring-orders/:rule") { request, context in try await self.patchRecurringOrder(request, context) }
        api.post("recurring-orders/:rule/end") { request, context in try await self.endRecurringOrder(request, context) }
    }

    struct RecurringOrderJSON: Encodable {
        let id: Int64, clientId: Int64, rule: String, sentence: String, startDate: String, startTime: String, timeZone: String
        let exceptionDates: [String], contactId: Int64?, categoryId: Int64?, priority: String, assigneeId: Int64?
        let description: String, assetIds: [Int64], ended: Bool, version: Int64

        init(_ r: RecurringOrderRule, language: Language) {
            let d = r.draft, t = d.template
            id = r.id.rawValue; clientId = r.clientID.rawValue; rule = d.rule; sentence = d.sentence(language)
            startDate = d.startDate; startTime = d.startTime; timeZone = d.timeZone; exceptionDates = d.exceptionDates
            contactId = t.contactID?.rawValue; categoryId = t.categoryID?.rawValue; priority = t.priority.rawValue
            assigneeId = t.assigneeID?.rawValue; description = t.description; assetIds = t.assetIDs.map(\.rawValue)
            ended = r.ended; version = r.version
        }

        enum CodingKeys: String, CodingKey {
            case id, clientId, rule, sentence, startDate, startTime, timeZone, exceptionDates, contactId, categoryId, priority,
                 assigneeId, description, assetIds, ended, version
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(clientId, forKey: .clientId); try c.encode(rule, forKey: .rule)
            try c.encode(sentence, forKey: .sentence); try c.encode(startDate, forKey: .startDate)
            try c.encode(startTime, forKey: .startTime); try c.encode(timeZone, forKey: .timeZone)
            try c.encode(exceptionDates, forKey: .exceptionDates); try c.encode(contactId, forKey: .contactId)
            try c.encode(categoryId, forKey: .categoryId); try c.encode(priority, forKey: .priority)
            try c.encode(assigneeId, forKey: .assigneeId); try c.encode(description, forKey: .description)
            try c.encode(assetIds, forKey: .assetIds); try c.encode(ended, forKey: .ended); try c.encode(version, forKey: .version)
        }
    }

    struct RecurringOrderInput: Decodable {
        var clientId: Int64?
        var rule: String?
        var startDate: String?
        var startTime: String?
        var timeZone: String?
        var exceptionDates: [String]?
        var contactId: Int64?
        var categoryId: Int64?
        var priority: String?
        var assigneeId: Int64?
        var description: String?
        var assetIds: [Int64]?

        /// The draft; the zone defaults to the company's.
        func draft(companyZone: String) throws -> RecurringOrderDraft {
            let level = priority.map { WorkOrder.Priority(rawValue: $0) } ?? .normal
            let template = WorkOrderDraft(contactID: contactId.map(Contact.ID.init), categoryID: categoryId.map(ActivityCategory.ID.init),
                                          priority: level ?? .normal, assigneeID: assigneeId.map(User.ID.init), description: description ?? "",
                                          assetIDs: (assetIds ?? []).map(Asset.ID.init))
            return try RecurringOrderDraft(rule: rule ?? "", startDate: startDate ?? "", startTime: startTime ?? "",
                                           timeZone: timeZone ?? companyZone, exceptionDates: exceptionDates ?? [], template: template)
                .validated(after: level == nil ? [FieldError("priority", "invalid_choice")] : [])
        }
    }

    func companyZone() async throws -> String {
        try await env.stores.organisation.company()?.timeZone ?? "UTC"
    }

    func clientRecurringOrders(_ context: SignedInContext) async throws -> Response {
        let client = try await load(context)
        let rules = try await env.stores.recurringOrders.rules(of: client.id, by: context.viewer)
        return try json(ListPage(items: rules.map { RecurringOrderJSON($0, language: context.language) }, nextCursor: nil))
    }

    func createRecurringOrder(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let input = try JSONInput.decode(RecurringOrderInput.self, from: try await body(request))
        guard let clientID = input.clientId.map(Client.ID.init) else { throw ValidationFailure([FieldError("clientId", "required")]) }
        do {
            let created = try await env.stores.recurringOrders.create(clientID: clientID, try input.draft(companyZone: try await companyZone()),
                                                                      by: context.viewer)
            return try json(RecurringOrderJSON(created, language: context.language), status: .created, etag: created.version)
        } catch StoreError.notFound {
            throw ValidationFailure([FieldError("clientId", "unknown_reference")])
        }
    }

    func getRecurringOrder(_ context: SignedInContext) async throws -> Response {
        let rule = try await loadRecurringOrder(context)
        return try json(RecurringOrderJSON(rule, language: context.language), etag: rule.version)
    }

    func patchRecurringOrder(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ["rule", "startDate", "startTime", "exceptionDates", "contactId", "categoryId", "priority",
                                             "assigneeId", "description", "assetIds"])
        let version = try expectedVersion(request, context)
        let rule = try await loadRecurringOrder(context)
        let d = rule.draft, t = d.template
        var current: [String: Any] = ["rule": d.rule, "startDate": d.startDate, "startTime": d.startTime, "timeZone": d.timeZone,
                                      "exceptionDates": d.exceptionDates, "priority": t.priority.rawValue, "description": t.description,
                                      "assetIds": t.assetIDs.map(\.rawValue)]
        if let contact = t.contactID { current["contactId"] = contact.rawValue }
        if let category = t.categoryID { current["categoryId"] = category.rawValue }
        if let assignee = t.assigneeID { current["assigneeId"] = assignee.rawValue }
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        let input = try JSONInput.decode(RecurringOrderInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        let saved = try await env.stores.recurringOrders.update(rule.id, try input.draft(companyZone: d.timeZone), expectedVersion: version,
                                                                by: context.viewer)
        return try json(RecurringOrderJSON(saved, language: context.language), etag: saved.version)
    }

    func endRecurringOrder(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let version = try expectedVersion(request, context)
        let rule = try await loadRecurringOrder(context)
        let saved = try await env.stores.recurringOrders.end(rule.id, expectedVersion: version, by: context.viewer)
        return try json(RecurringOrderJSON(saved, language: context.language), etag: saved.version)
    }

    func loadRecurringOrder(_ context: SignedInContext) async throws -> RecurringOrderRule {
        guard let id = RecurringOrderRule.ID(string: context.parameters.get("rule")),
              let rule = try await env.stores.recurringOrders.rule(id, by: context.viewer) else { throw StoreError.notFound }
        return rule
    }
}
