import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/deliveries`: deliveries are visible with their client (rule 1).
extension APIController {
    func registerDeliveries(_ api: RouterGroup<SignedInContext>) {
        api.get("deliveries") { request, context in try await self.listDeliveries(request, context) }
        api.post("deliveries") { request, context in try await self.createDelivery(request, context) }
        api.get("deliveries/:delivery") { _, context in try await self.getDelivery(context) }
        api.patch("deliveries/:delivery") { request, context in try await self.patchDelivery(request, context) }
    }

    struct DeliveryJSON: Encodable {
        struct Line: Encodable {
            let itemId: Int64, code: String, description: String, unit: String?, quantity: Double
            enum CodingKeys: String, CodingKey { case itemId, code, description, unit, quantity }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(itemId, forKey: .itemId); try c.encode(code, forKey: .code); try c.encode(description, forKey: .description)
                try c.encode(unit, forKey: .unit); try c.encode(quantity, forKey: .quantity)
            }
        }
        let id: Int64, clientId: Int64, date: String, status: String, notes: String?, tableId: Int64, lines: [Line], version: Int64
        init(_ d: Delivery) {
            id = d.id.rawValue; clientId = d.clientID.rawValue; date = d.draft.date.description; status = d.draft.status.rawValue
            notes = d.draft.notes; tableId = d.draft.tableID.rawValue; version = d.version
            lines = d.lines.map { Line(itemId: $0.itemID.rawValue, code: $0.code, description: $0.description, unit: $0.unit,
                                       quantity: Double($0.quantityMilli) / 1000) }
        }
        enum CodingKeys: String, CodingKey { case id, clientId, date, status, notes, tableId, lines, version }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(clientId, forKey: .clientId); try c.encode(date, forKey: .date)
            try c.encode(status, forKey: .status); try c.encode(notes, forKey: .notes); try c.encode(tableId, forKey: .tableId)
            try c.encode(lines, forKey: .lines); try c.encode(version, forKey: .version)
        }
    }

    struct DeliveryInput: Decodable {
        var clientId: Int64?
        var date: String?
        var status: String?
        var notes: String?
        var tableId: Int64?
        var lines: [AnswerInput.Line]?

        /// Every missing or unreadable field at once.
        func draft() throws -> DeliveryDraft {
            var errors: [FieldError] = []
            let day = date.flatMap(CalendarDate.init)
            if day == nil { errors.append(FieldError("date", date == nil ? "required" : "invalid_date")) }
            let chosen = status.map { Delivery.Status(rawValue: $0) } ?? .scheduled
            if chosen == nil { errors.append(FieldError("status", "invalid_choice")) }
            if tableId == nil { errors.append(FieldError("tableId", "required")) }
            if (lines ?? []).isEmpty { errors.append(FieldError("lines", "required")) }
            if !errors.isEmpty { throw ValidationFailure(errors) }
            return DeliveryDraft(date: day!, status: chosen!, notes: notes, tableID: MasterTable.ID(tableId!),
                                 lines: lines!.map { .init(code: $0.code ?? "", quantity: $0.quantity?.text ?? "") })
        }
    }

    func listDeliveries(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let limit = try query.limit()
        let cursor = try Cursor(query.form["cursor"])
        var errors: [FieldError] = []
        func day(_ name: String) -> CalendarDate? {
            guard let raw = query.form.text(name) else { return nil }
            guard let date = CalendarDate(raw) else { errors.append(FieldError(name, "invalid_date")); return nil }
            return date
        }
        let from = day("from"), to = day("to")
        if !errors.isEmpty { throw ValidationFailure(errors) }
        let found = try await env.stores.deliveries.list(
            DeliveryQuery(clientID: try query.id("clientId"), status: try query.choice("status", Delivery.Status.self), from: from, to: to,
                          limit: limit + 1, offset: cursor.offset),
            by: context.viewer)
        let next = found.count > limit ? Cursor.offset(cursor.offset + limit) : nil
        return try json(ListPage(items: found.prefix(limit).map { DeliveryJSON($0.delivery) }, nextCursor: next))
    }

    func createDelivery(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let input = try JSONInput.decode(DeliveryInput.self, from: try await body(request))
        let created = try await createAtClient(input.clientId, draft: input.draft) {
            try await env.stores.deliveries.create(clientID: $0, $1, by: context.viewer)
        }
        return try json(DeliveryJSON(created), status: .created, etag: created.version)
    }

    func getDelivery(_ context: SignedInContext) async throws -> Response {
        let delivery = try await loadDelivery(context)
        return try json(DeliveryJSON(delivery), etag: delivery.version)
    }

    /// Merge patch over date, status, notes, tableId and lines (lines replace whole, as arrays do).
    func patchDelivery(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ["date", "status", "notes", "tableId", "lines"])
        let version = try expectedVersion(request, context)
        let delivery = try await loadDelivery(context)
        let d = delivery.draft
        var current: [String: Any] = ["date": d.date.description, "status": d.status.rawValue, "tableId": d.tableID.rawValue,
                                      "lines": delivery.lines.map { ["code": $0.code, "quantity": Double($0.quantityMilli) / 1000] }]
        if let notes = d.notes { current["notes"] = notes }
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        let input = try JSONInput.decode(DeliveryInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        let saved = try await env.stores.deliveries.update(delivery.id, try input.draft(), expectedVersion: version, by: context.viewer)
        return try json(DeliveryJSON(saved), etag: saved.version)
    }

    func loadDelivery(_ context: SignedInContext) async throws -> Delivery {
        guard let id = Delivery.ID(string: context.parameters.get("delivery")),
              let delivery = try await env.stores.deliveries.delivery(id, by: context.viewer) else { throw StoreError.notFound }
        return delivery
    }
}
