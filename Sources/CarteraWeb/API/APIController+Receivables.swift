import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/receivables`, `/api/v1/notice-concepts` and a client's notice settings:
/// an ERP pushes invoices and payments; invoices are visible with their client (rule 1).
extension APIController {
    func registerReceivables(_ api: RouterGroup<SignedInContext>) {
        api.get("receivables") { request, context in try await self.listReceivables(request, context) }
        api.post("receivables") { request, context in try await self.createReceivable(request, context) }
        api.get("receivables/:receivable") { _, context in try await self.getReceivable(context) }
        api.patch("receivables/:receivable") { request, context in try await self.patchReceivable(request, context) }
        api.get("notice-concepts") { _, _ in try await self.listNoticeConcepts() }
        api.get("clients/:id/notice-settings") { _, context in try await self.getNoticeSettings(context) }
        api.put("clients/:id/notice-settings") { request, context in try await self.putNoticeSettings(request, context) }
    }

    /// Amounts in minor units of `currency` (cents: 123450 is 1.234,50).
    struct ReceivableJSON: Encodable {
        let id: Int64, clientId: Int64, number: String, issueDate: String, dueDate: String, currency: String
        let amountMinor: Int64, balanceMinor: Int64, paid: Bool, version: Int64
        init(_ r: Receivable) {
            let d = r.draft
            id = r.id.rawValue; clientId = r.clientID.rawValue; number = d.number; issueDate = d.issueDate.description
            dueDate = d.dueDate.description; currency = d.amount.currency; amountMinor = d.amount.minor; balanceMinor = d.balance.minor
            paid = d.paid; version = r.version
        }
    }

    struct ReceivableInput: Decodable {
        var clientId: Int64?
        var number: String?
        var issueDate: String?
        var dueDate: String?
        var currency: String?
        var amountMinor: Int64?
        var balanceMinor: Int64?
        var paid: Bool?

        /// Every missing or unreadable field at once; the balance defaults to the amount.
        func draft(defaultCurrency: String) throws -> ReceivableDraft {
            var errors: [FieldError] = []
            func date(_ value: String?, _ field: String) -> CalendarDate? {
                guard let value else { errors.append(FieldError(field, "required")); return nil }
                guard let date = CalendarDate(value) else { errors.append(FieldError(field, "invalid_date")); return nil }
                return date
            }
            let issue = date(issueDate, "issueDate"), due = date(dueDate, "dueDate")
            let code = (currency ?? defaultCurrency).uppercased()
            if code.count != 3 || !code.allSatisfy(\.isLetter) { errors.append(FieldError("currency", "invalid_currency")) }
            if amountMinor == nil { errors.append(FieldError("amountMinor", "required")) }
            guard errors.isEmpty, let issue, let due, let amountMinor else { throw ValidationFailure(errors) }
            return try ReceivableDraft(number: number ?? "", issueDate: issue, dueDate: due, amount: Money(minor: amountMinor, currency: code),
                                       balance: Money(minor: balanceMinor ?? amountMinor, currency: code), paid: paid ?? false).validated()
        }
    }

    func listReceivables(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let limit = try query.limit()
        let cursor = try Cursor(query.form["cursor"])
        let found = try await env.stores.receivables.list(clientID: try query.id("clientId"), openOnly: query.form["open"] == "true",
                                                          number: query.form.text("number"), by: context.viewer, limit: limit + 1,
                                                          offset: cursor.offset)
        let next = found.count > limit ? Cursor.offset(cursor.offset + limit) : nil
        return try json(ListPage(items: found.prefix(limit).map { ReceivableJSON($0.receivable) }, nextCursor: next))
    }

    func createReceivable(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.editClients)
        let input = try JSONInput.decode(ReceivableInput.self, from: try await body(request))
        let currency = try await env.stores.organisation.company()?.currency ?? "USD"
        let created = try await createAtClient(input.clientId, draft: { try input.draft(defaultCurrency: currency) }) {
            try await env.stores.receivables.create(clientID: $0, $1, by: context.viewer)
        }
        var response = try json(ReceivableJSON(created), status: .created, etag: created.version)
        response.headers[.location] = "/api/v1/receivables/\(created.id)"
        return response
    }

    func getReceivable(_ context: SignedInContext) async throws -> Response {
        let receivable = try await loadReceivable(context)
        return try json(ReceivableJSON(receivable), etag: receivable.version)
    }

    /// Merge patch; a payment is `{"balanceMinor": 0, "paid": true}` with `If-Match`.
    func patchReceivable(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.editClients)
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ["number", "issueDate", "dueDate", "currency", "amountMinor", "balanceMinor", "paid"])
        let version = try expectedVersion(request, context)
        let receivable = try await loadReceivable(context)
        let current = try JSONSerialization.jsonObject(with: try encoder().encode(ReceivableJSON(receivable)))
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        let input = try JSONInput.decode(ReceivableInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        let saved = try await env.stores.receivables.update(receivable.id, try input.draft(defaultCurrency: receivable.draft.amount.currency),
                                                            expectedVersion: version, by: context.viewer)
        return try json(ReceivableJSON(saved), etag: saved.version)
    }

    func loadReceivable(_ context: SignedInContext) async throws -> Receivable {
        guard let id = Receivable.ID(string: context.parameters.get("receivable")),
              let receivable = try await env.stores.receivables.receivable(id, by: context.viewer) else { throw StoreError.notFound }
        return receivable
    }

    // MARK: Notices

    func listNoticeConcepts() async throws -> Response {
        struct ConceptJSON: Encodable { let id: Int64, description: String, days: Int, kind: String, active: Bool }
        let concepts = try await env.stores.notices.concepts().map {
            ConceptJSON(id: $0.id.rawValue, description: $0.description, days: $0.days, kind: $0.kind.rawValue, active: $0.active)
        }
        return try json(ListPage(items: concepts, nextCursor: nil))
    }

    struct NoticeSettingsJSON: Codable {
        var active: Bool
        var subject: String
        var contactIds: [Int64]
        var reminderConceptId: Int64?
        var afterDueEnabled: Bool
        var afterDueConceptId: Int64?
        var reminderBody: String
        var afterDueBody: String
        var consolidated: Bool

        init(_ s: NoticeSettings) {
            active = s.active; subject = s.subject; contactIds = s.contactIDs.map(\.rawValue); reminderConceptId = s.reminderConceptID?.rawValue
            afterDueEnabled = s.afterDueEnabled; afterDueConceptId = s.afterDueConceptID?.rawValue; reminderBody = s.reminderBody
            afterDueBody = s.afterDueBody; consolidated = s.consolidated
        }

        func settings(version: Int64) -> NoticeSettings {
            NoticeSettings(active: active, subject: subject, contactIDs: contactIds.map(Contact.ID.init),
                           reminderConceptID: reminderConceptId.map(NoticeConcept.ID.init), afterDueEnabled: afterDueEnabled,
                           afterDueConceptID: afterDueConceptId.map(NoticeConcept.ID.init), reminderBody: reminderBody,
                           afterDueBody: afterDueBody, consolidated: consolidated, version: version)
        }

        enum CodingKeys: String, CodingKey {
            case active, subject, contactIds, reminderConceptId, afterDueEnabled, afterDueConceptId, reminderBody, afterDueBody, consolidated
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(active, forKey: .active); try c.encode(subject, forKey: .subject); try c.encode(contactIds, forKey: .contactIds)
            try c.encode(reminderConceptId, forKey: .reminderConceptId); try c.encode(afterDueEnabled, forKey: .afterDueEnabled)
            try c.encode(afterDueConceptId, forKey: .afterDueConceptId); try c.encode(reminderBody, forKey: .reminderBody)
            try c.encode(afterDueBody, forKey: .afterDueBody); try c.encode(consolidated, forKey: .consolidated)
        }
    }

    func getNoticeSettings(_ context: SignedInContext) async throws -> Response {
        let client = try await load(context)
        guard let settings = try await env.stores.notices.settings(clientID: client.id, by: context.viewer) else { throw StoreError.notFound }
        return try json(NoticeSettingsJSON(settings), etag: settings.version)
    }

    /// Replaces the settings whole; `If-Match` carries the version read (0 before the first save).
    func putNoticeSettings(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await load(context)
        let version = try expectedVersion(request, context)
        let input = try JSONInput.decode(NoticeSettingsJSON.self, from: try await body(request))
        let saved = try await env.stores.notices.saveSettings(clientID: client.id, input.settings(version: version), by: context.viewer)
        return try json(NoticeSettingsJSON(saved), etag: saved.version)
    }
}
