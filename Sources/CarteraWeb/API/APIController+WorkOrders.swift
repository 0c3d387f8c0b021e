import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/work-orders`: the same scope and rules as the pages.
extension APIController {
    func registerWorkOrders(_ api: RouterGroup<SignedInContext>) {
        api.get("work-orders") { request, context in try await self.listWorkOrders(request, context) }
        api.post("work-orders") { request, context in try await self.createWorkOrder(request, context) }
        api.get("work-orders/:order") { _, context in try await self.getWorkOrder(context) }
        api.patch("work-orders/:order") { request, context in try await self.patchWorkOrder(request, context) }
        api.get("work-orders/:order/services") { _, context in try await self.listServices(context) }
        api.post("work-orders/:order/services") { request, context in try await self.registerService(request, context) }
        api.post("work-orders/:order/verify") { request, context in try await self.verifyWorkOrder(request, context) }
    }

    struct WorkOrderJSON: Encodable {
        let o: WorkOrder
        init(_ o: WorkOrder) { self.o = o }

        enum CodingKeys: String, CodingKey {
            case id, orderNumber, clientId, contactId, projectId, categoryId, priority, assigneeId, ownerId, appointmentAt,
                 appointmentZone, description, equipmentReceived, status, finishedAt, rating, customerComments, verifiedAt,
                 verifiedById, recurringOrderId, assetIds, createdAt, version
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            let d = o.draft
            try c.encode(o.id.rawValue, forKey: .id); try c.encode(o.orderNumber, forKey: .orderNumber)
            try c.encode(o.clientID.rawValue, forKey: .clientId); try c.encode(d.contactID?.rawValue, forKey: .contactId)
            try c.encode(d.projectID?.rawValue, forKey: .projectId); try c.encode(d.categoryID?.rawValue, forKey: .categoryId)
            try c.encode(d.priority.rawValue, forKey: .priority); try c.encode(d.assigneeID?.rawValue, forKey: .assigneeId)
            try c.encode(o.ownerID.rawValue, forKey: .ownerId); try c.encode(d.appointmentAt, forKey: .appointmentAt)
            try c.encode(d.appointmentZone, forKey: .appointmentZone); try c.encode(d.description, forKey: .description)
            try c.encode(d.equipmentReceived, forKey: .equipmentReceived); try c.encode(o.status.rawValue, forKey: .status)
            try c.encode(o.finishedAt, forKey: .finishedAt); try c.encode(o.verification?.rating, forKey: .rating)
            try c.encode(o.verification?.comments, forKey: .customerComments); try c.encode(o.verification?.at, forKey: .verifiedAt)
            try c.encode(o.verification?.byID.rawValue, forKey: .verifiedById)
            try c.encode(o.ruleID?.rawValue, forKey: .recurringOrderId); try c.encode(d.assetIDs.map(\.rawValue), forKey: .assetIds)
            try c.encode(o.createdAt, forKey: .createdAt); try c.encode(o.version, forKey: .version)
        }
    }

    struct WorkOrderInput: Decodable {
        var clientId: Int64?
        var contactId: Int64?
        var projectId: Int64?
        var categoryId: Int64?
        var priority: String?
        var assigneeId: Int64?
        var appointmentAt: String?
        var appointmentZone: String?
        var description: String?
        var equipmentReceived: String?
        var assetIds: [Int64]?

        func draft() throws -> WorkOrderDraft {
            var errors: [FieldError] = []
            let appointment = appointmentAt.flatMap(RFC3339.date)
            if appointmentAt != nil && appointment == nil { errors.append(FieldError("appointmentAt", "invalid_datetime")) }
            let level = priority.map { WorkOrder.Priority(rawValue: $0) } ?? .normal
            if level == nil { errors.append(FieldError("priority", "invalid_choice")) }
            return try WorkOrderDraft(contactID: contactId.map(Contact.ID.init), projectID: projectId.map(Project.ID.init),
                                      categoryID: categoryId.map(ActivityCategory.ID.init), priority: level ?? .normal,
                                      assigneeID: assigneeId.map(User.ID.init), appointmentAt: appointment,
                                      appointmentZone: appointmentZone, description: description ?? "",
                                      equipmentReceived: equipmentReceived,
                                      assetIDs: (assetIds ?? []).map(Asset.ID.init)).validated(after: errors)
        }
    }

    func listWorkOrders(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let limit = try query.limit()
        let cursor = try Cursor(query.form["cursor"])
        var statuses: Set<WorkOrder.Status> = []
        for raw in (query.form["status"] ?? "").split(separator: ",") {
            guard let status = WorkOrder.Status(rawValue: String(raw)) else { throw ValidationFailure([FieldError("status", "invalid_choice")]) }
            statuses.insert(status)
        }
        let assignee: User.ID? = try query.id("assigneeId")
        var filter = WorkOrderQuery(
            orderNumber: try query.form.text("orderNumber").map { raw in
                guard let n = Int64(raw) else { throw ValidationFailure([FieldError("orderNumber", "invalid_type")]) }
                return n
            },
            statuses: statuses, assignee: assignee.map { .user($0) } ?? .anyone, clientID: try query.id("clientId"),
            contactID: try query.id("contactId"), projectID: try query.id("projectId"), categoryID: try query.id("categoryId"),
            createdFrom: try query.instant("createdFrom"), createdTo: try query.instant("createdTo"),
            finishedFrom: try query.instant("finishedFrom"), finishedTo: try query.instant("finishedTo"),
            appointmentFrom: try query.instant("appointmentFrom"), appointmentTo: try query.instant("appointmentTo"),
            concept: query.form.text("q"), limit: limit + 1, offset: cursor.offset)
        filter.ruleID = try query.id("recurringOrderId")
        let found = try await env.stores.workOrders.list(filter, by: context.viewer)
        let next = found.count > limit ? Cursor.offset(cursor.offset + limit) : nil
        return try json(ListPage(items: found.prefix(limit).map { WorkOrderJSON($0.order) }, nextCursor: next))
    }

    func createWorkOrder(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let input = try JSONInput.decode(WorkOrderInput.self, from: try await body(request))
        guard let clientID = input.clientId.map(Client.ID.init) else { throw ValidationFailure([FieldError("clientId", "required")]) }
        do {
            let created = try await env.stores.workOrders.create(clientID: clientID, try input.draft(), by: context.viewer)
            return try json(WorkOrderJSON(created), status: .created, etag: created.version)
        } catch StoreError.notFound {
            throw ValidationFailure([FieldError("clientId", "unknown_reference")])
        }
    }

    func getWorkOrder(_ context: SignedInContext) async throws -> Response {
        let order = try await loadWorkOrder(context)
        return try json(WorkOrderJSON(order), etag: order.version)
    }

    func patchWorkOrder(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ["contactId", "projectId", "categoryId", "priority", "assigneeId", "appointmentAt",
                                             "appointmentZone", "description", "equipmentReceived", "assetIds"])
        let version = try expectedVersion(request, context)
        let order = try await loadWorkOrder(context)
        let d = order.draft
        var current: [String: Any] = ["priority": d.priority.rawValue, "description": d.description,
                                      "assetIds": d.assetIDs.map(\.rawValue)]
        if let contact = d.contactID { current["contactId"] = contact.rawValue }
        if let project = d.projectID { current["projectId"] = project.rawValue }
        if let category = d.categoryID { current["categoryId"] = category.rawValue }
        if let assignee = d.assigneeID { current["assigneeId"] = assignee.rawValue }
        if let at = d.appointmentAt { current["appointmentAt"] = ISO8601DateFormatter().string(from: at) }
        if let zone = d.appointmentZone { current["appointmentZone"] = zone }
        if let equipment = d.equipmentReceived { current["equipmentReceived"] = equipment }
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        let input = try JSONInput.decode(WorkOrderInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        let saved = try await env.stores.workOrders.update(order.id, try input.draft(), expectedVersion: version, by: context.viewer)
        return try json(WorkOrderJSON(saved), etag: saved.version)
    }

    struct ServiceJSON: Encodable {
        let id: Int64, workOrderId: Int64, userId: Int64, userName: String, at: Date, detail: String, finishes: Bool
        init(_ s: ServiceListing) {
            id = s.entry.id.rawValue; workOrderId = s.entry.workOrderID.rawValue; userId = s.entry.userID.rawValue
            userName = s.userName; at = s.entry.at; detail = s.entry.detail; finishes = s.entry.finishes
        }
    }

    func listServices(_ context: SignedInContext) async throws -> Response {
        let order = try await loadWorkOrder(context)
        let services = try await env.stores.workOrders.services(of: order.id, by: context.viewer)
        return try json(ListPage(items: services.map(ServiceJSON.init), nextCursor: nil))
    }

    /// Appends a service; `If-Match` is optional here (a service adds, it overwrites nothing), checked when given.
    func registerService(_ request: Request, _ context: SignedInContext) async throws -> Response {
        struct Input: Decodable { var detail: String?; var at: String?; var finishes: Bool? }
        let input = try JSONInput.decode(Input.self, from: try await body(request))
        let order = try await loadWorkOrder(context)
        let version = request.headers[.ifMatch] == nil ? order.version : try expectedVersion(request, context)
        let at = input.at.flatMap(RFC3339.date)
        let detail = try ServiceEntry.validatedDetail(input.detail ?? "",
                                                      after: input.at != nil && at == nil ? [FieldError("at", "invalid_datetime")] : [])
        let saved = try await env.stores.workOrders.registerService(order.id, detail: detail, at: at ?? env.clock.now(),
                                                                    finishes: input.finishes ?? false, expectedVersion: version,
                                                                    by: context.viewer)
        return try json(WorkOrderJSON(saved), status: .created, etag: saved.version)
    }

    func verifyWorkOrder(_ request: Request, _ context: SignedInContext) async throws -> Response {
        struct Input: Decodable { var comments: String?; var rating: Int?; var closed: Bool? }
        let input = try JSONInput.decode(Input.self, from: try await body(request))
        let version = try expectedVersion(request, context)
        let order = try await loadWorkOrder(context)
        let saved = try await env.stores.workOrders.verify(order.id, VerificationDraft(comments: input.comments, rating: input.rating,
                                                                                       closed: input.closed ?? true),
                                                           expectedVersion: version, by: context.viewer)
        return try json(WorkOrderJSON(saved), etag: saved.version)
    }

    func loadWorkOrder(_ context: SignedInContext) async throws -> WorkOrder {
        guard let id = WorkOrder.ID(string: context.parameters.get("order")),
              let order = try await env.stores.workOrders.order(id, by: context.viewer) else { throw StoreError.notFound }
        return order
    }
}
