import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/form-templates` and `/api/v1/forms`: forms are visible with their client (rule 1).
extension APIController {
    func registerForms(_ api: RouterGroup<SignedInContext>) {
        api.get("form-templates") { _, _ in try await self.listFormTemplates() }
        api.get("forms") { request, context in try await self.listForms(request, context) }
        api.post("forms") { request, context in try await self.createForm(request, context) }
        api.get("forms/:form") { _, context in try await self.getForm(context) }
    }

    struct FormTemplateJSON: Encodable {
        struct Field: Encodable {
            let key: String; let label: String; let type: String; let required: Bool; let choices: [String]; let tableId: Int64?
            enum CodingKeys: String, CodingKey { case key, label, type, required, choices, tableId }
            /// `tableId` written as null when absent, as the document says.
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(key, forKey: .key); try c.encode(label, forKey: .label); try c.encode(type, forKey: .type)
                try c.encode(required, forKey: .required); try c.encode(choices, forKey: .choices); try c.encode(tableId, forKey: .tableId)
            }
        }
        struct Section: Encodable { let title: String; let fields: [Field] }
        let id: Int64, name: String, active: Bool, versionNumber: Int, sections: [Section]
        init(_ t: FormTemplate) {
            id = t.id.rawValue; name = t.name; active = t.active; versionNumber = t.currentVersion.number
            sections = t.currentVersion.definition.sections.map { s in
                Section(title: s.title, fields: s.fields.map {
                    Field(key: $0.key, label: $0.label, type: $0.type.rawValue, required: $0.required, choices: $0.choices, tableId: $0.tableID?.rawValue)
                })
            }
        }
    }

    /// A saved form: answers by key; item answers as lines with the price copied at filling time.
    struct FormJSON: Encodable {
        let listing: FormListing

        enum CodingKeys: String, CodingKey {
            case id, clientId, templateId, templateName, templateVersion, workOrderId, priceListId, answers, totalMinor, currency, filledById,
                 filledByName, filledAt
        }

        func encode(to encoder: any Encoder) throws {
            let f = listing.form
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(f.id.rawValue, forKey: .id); try c.encode(f.clientID.rawValue, forKey: .clientId)
            try c.encode(f.templateVersion.templateID.rawValue, forKey: .templateId); try c.encode(f.templateName, forKey: .templateName)
            try c.encode(f.templateVersion.number, forKey: .templateVersion); try c.encode(f.workOrderID?.rawValue, forKey: .workOrderId)
            try c.encode(f.priceListID?.rawValue, forKey: .priceListId)
            var answers = c.nestedContainer(keyedBy: AnyKey.self, forKey: .answers)
            for (key, answer) in f.answers.sorted(by: { $0.key < $1.key }) {
                let name = AnyKey(key)
                switch answer {
                case .text(let s): try answers.encode(s, forKey: name)
                case .number(let n): try answers.encode(n, forKey: name)
                case .bool(let b): try answers.encode(b, forKey: name)
                case .asset(let id, let assetName): try answers.encode(["assetId": "\(id)", "name": assetName], forKey: name)
                case .items(let lines): try answers.encode(lines.map(LineJSON.init), forKey: name)
                }
            }
            try c.encode(f.total?.minor, forKey: .totalMinor); try c.encode(f.total?.currency, forKey: .currency)
            try c.encode(f.filledBy.rawValue, forKey: .filledById); try c.encode(listing.filledByName, forKey: .filledByName)
            try c.encode(f.filledAt, forKey: .filledAt)
        }
    }

    struct LineJSON: Encodable {
        let itemId: Int64, code: String, description: String, unit: String?, quantity: Double, unitPriceMinor: Int64?, totalMinor: Int64?
        init(_ l: FormAnswer.ItemLine) {
            itemId = l.itemID.rawValue; code = l.code; description = l.description; unit = l.unit; quantity = Double(l.quantityMilli) / 1000
            unitPriceMinor = l.unitPrice?.minor; totalMinor = l.total?.minor
        }
        enum CodingKeys: String, CodingKey { case itemId, code, description, unit, quantity, unitPriceMinor, totalMinor }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(itemId, forKey: .itemId); try c.encode(code, forKey: .code); try c.encode(description, forKey: .description)
            try c.encode(unit, forKey: .unit); try c.encode(quantity, forKey: .quantity); try c.encode(unitPriceMinor, forKey: .unitPriceMinor)
            try c.encode(totalMinor, forKey: .totalMinor)
        }
    }

    struct AnyKey: CodingKey {
        let stringValue: String
        init(_ value: String) { stringValue = value }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    func listFormTemplates() async throws -> Response {
        try json(ListPage(items: try await env.stores.forms.templates().map(FormTemplateJSON.init), nextCursor: nil))
    }

    func listForms(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let clientID: Client.ID? = try query.id("clientId")
        let orderID: WorkOrder.ID? = try query.id("workOrderId")
        guard clientID != nil || orderID != nil else { throw ValidationFailure([FieldError("clientId", "required")]) }
        // A client or order outside the scope answers 404, as its other reads do.
        if let clientID, try await env.stores.clients.client(clientID, scope: context.clientScope) == nil { throw StoreError.notFound }
        if let orderID, try await env.stores.workOrders.order(orderID, by: context.viewer) == nil { throw StoreError.notFound }
        let forms = try await env.stores.forms.forms(clientID: clientID, workOrderID: orderID, by: context.viewer, limit: try query.limit())
        return try json(ListPage(items: forms.map(FormJSON.init), nextCursor: nil))
    }

    /// One answer as JSON sends it.
    enum AnswerInput: Decodable {
        struct Line: Decodable {
            let code: String?
            let quantity: Quantity?
            /// A quantity as a number or as text ("2,5").
            enum Quantity: Decodable {
                case number(Double), text(String)
                init(from decoder: any Decoder) throws {
                    let c = try decoder.singleValueContainer()
                    if let n = try? c.decode(Double.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
                }
                var text: String { switch self { case .number(let n): String(n); case .text(let s): s } }
            }
        }
        case bool(Bool), number(Double), text(String), lines([Line]), null

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let n = try? c.decode(Double.self) { self = .number(n) }
            else if let s = try? c.decode(String.self) { self = .text(s) }
            else { self = .lines(try c.decode([Line].self)) }
        }

        var input: FormInput? {
            switch self {
            case .bool(let b): .text(b ? "true" : "")
            case .number(let n): .text(n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n))
            case .text(let s): .text(s)
            case .lines(let lines): .items(lines.map { .init(code: $0.code ?? "", quantity: $0.quantity?.text ?? "") })
            case .null: nil
            }
        }
    }

    struct FormInputJSON: Decodable {
        var clientId: Int64?
        var templateId: Int64?
        var workOrderId: Int64?
        var priceListId: Int64?
        var answers: [String: AnswerInput]?
    }

    /// `answers`: text, number or boolean per field; an item field takes `[{"code": …, "quantity": …}]`; an asset field its id.
    func createForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let input = try JSONInput.decode(FormInputJSON.self, from: try await body(request))
        guard let clientID = input.clientId.map(Client.ID.init) else { throw ValidationFailure([FieldError("clientId", "required")]) }
        guard let templateID = input.templateId.map(FormTemplate.ID.init) else { throw ValidationFailure([FieldError("templateId", "required")]) }
        let inputs = (input.answers ?? [:]).compactMapValues(\.input)
        do {
            let saved = try await env.stores.forms.fill(clientID: clientID, templateID: templateID, workOrderID: input.workOrderId.map(WorkOrder.ID.init),
                                                        priceListID: input.priceListId.map(PriceList.ID.init), inputs: inputs, by: context.viewer)
            guard let listing = try await env.stores.forms.form(saved.id, by: context.viewer) else { throw StoreError.notFound }
            return try json(FormJSON(listing: listing), status: .created)
        } catch StoreError.notFound {
            throw ValidationFailure([FieldError("clientId", "unknown_reference")])
        }
    }

    func getForm(_ context: SignedInContext) async throws -> Response {
        guard let id = FilledForm.ID(string: context.parameters.get("form")),
              let listing = try await env.stores.forms.form(id, by: context.viewer) else { throw StoreError.notFound }
        return try json(FormJSON(listing: listing))
    }
}
