import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Recurring work orders: a rule on the client card ("cada 2 semanas, los
/// viernes a las 11:00") in the company's zone, with the order it makes; its
/// page edits or ends it and lists the orders it has made.
struct RecurringOrdersController {
    let env: WebEnvironment
    let clients: ClientsController

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get("/clients/:id/recurring-orders/new") { request, context in try await self.newForm(request, context) }
        group.post("/clients/:id/recurring-orders") { request, context in try await self.create(request, context) }
        group.get("/recurring-orders/:rule") { request, context in try await self.page(request, context) }
        group.post("/recurring-orders/:rule") { request, context in try await self.update(request, context) }
        group.post("/recurring-orders/:rule/end") { request, context in try await self.end(request, context) }
    }

    struct Page: Encodable {
        let title: String
        let sentence: String?
        let ended: Bool
        let clientName: String
        let clientURL: String
        let action: String
        let endAction: String?
        let version: Int64?
        let timeZone: String
        let values: [String: String]
        let recurrence: RecurrenceChoices
        let choices: WorkOrderFormChoices
        let errors: [String]
        let hasErrors: Bool
        let orders: [WorkOrderRow]
        let hasOrders: Bool
    }

    static let templateFields = ["startDate", "startTime", "exceptionDates", "categoryId", "priority", "assigneeId", "contactId", "description"]

    /// The posted form as a draft in the company's zone.
    static func draft(_ form: FormData, recurrence: RecurrenceForm, timeZone: TimeZone) throws(ValidationFailure) -> RecurringOrderDraft {
        let (rule, errors) = recurrence.rule(timeZone: timeZone)
        var parseErrors = errors
        let priority = WorkOrder.Priority(rawValue: form["priority"] ?? "")
        if priority == nil { parseErrors.append(FieldError("priority", "invalid_choice")) }
        let template = WorkOrderDraft(contactID: Contact.ID(string: form["contactId"]), categoryID: ActivityCategory.ID(string: form["categoryId"]),
                                      priority: priority ?? .normal, assigneeID: User.ID(string: form["assigneeId"]),
                                      description: form["description"] ?? "", assetIDs: form.all("assetIds").compactMap { Asset.ID(string: $0) })
        let exceptions = (form["exceptionDates"] ?? "").split(whereSeparator: { $0 == "\n" || $0 == "," }).map(String.init)
        return try RecurringOrderDraft(rule: rule, startDate: form["startDate"] ?? "", startTime: form["startTime"] ?? "",
                                       timeZone: timeZone.identifier, exceptionDates: exceptions, template: template)
            .validated(after: parseErrors)
    }

    func companyZone() async throws -> TimeZone {
        try await env.stores.organisation.company().flatMap { TimeZone(identifier: $0.timeZone) } ?? .gmt
    }

    func newForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let zone = try await companyZone()
        let (date, _) = LocalDateTime.parts(env.clock.now(), timeZone: zone)
        let values = ["startDate": date, "startTime": "09:00", "priority": WorkOrder.Priority.normal.rawValue]
        return try await render(request, context, client: client, rule: nil, values: values, assetIDs: [],
                                recurrence: RecurrenceForm(rule: "FREQ=WEEKLY", timeZone: zone), zone: zone, errors: [])
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = try await FormData.from(request)
        let zone = try await companyZone()
        let recurrence = RecurrenceForm(form)
        do {
            let rule = try await env.stores.recurringOrders.create(clientID: client.id, try Self.draft(form, recurrence: recurrence, timeZone: zone),
                                                                   by: context.viewer)
            return redirect(to: SiteURL.recurringOrder(rule.id).path, flash: env.translator.text("flash_rule_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await render(request, context, client: client, rule: nil, values: Self.values(form), assetIDs: form.all("assetIds"),
                                    recurrence: recurrence,
                                    zone: zone, errors: env.messages(failure, context.language).list, status: .unprocessableContent)
        }
    }

    func page(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (rule, client) = try await load(context)
        let zone = TimeZone(identifier: rule.draft.timeZone) ?? .gmt
        let d = rule.draft, t = d.template
        let values = ["startDate": d.startDate, "startTime": d.startTime, "exceptionDates": d.exceptionDates.joined(separator: "\n"),
                      "categoryId": t.categoryID?.description ?? "", "priority": t.priority.rawValue,
                      "assigneeId": t.assigneeID?.description ?? "", "contactId": t.contactID?.description ?? "",
                      "description": t.description]
        return try await render(request, context, client: client, rule: rule, values: values, assetIDs: t.assetIDs.map(\.description),
                                recurrence: RecurrenceForm(rule: d.rule, timeZone: zone), zone: zone, errors: [])
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (rule, client) = try await load(context)
        let form = try await FormData.from(request)
        let zone = TimeZone(identifier: rule.draft.timeZone) ?? .gmt
        let recurrence = RecurrenceForm(form)
        let version = Int64(form["version"] ?? "") ?? 0
        do {
            _ = try await env.stores.recurringOrders.update(rule.id, try Self.draft(form, recurrence: recurrence, timeZone: zone),
                                                            expectedVersion: version, by: context.viewer)
            return redirect(to: SiteURL.recurringOrder(rule.id).path, flash: env.translator.text("flash_rule_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await render(request, context, client: client, rule: rule, values: Self.values(form), assetIDs: form.all("assetIds"),
                                    recurrence: recurrence, zone: zone, errors: env.messages(failure, context.language).list, version: version,
                                    status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await render(request, context, client: client, rule: rule, values: Self.values(form), assetIDs: form.all("assetIds"),
                                    recurrence: recurrence, zone: zone, errors: [env.translator.text("conflict_reload", context.language)],
                                    version: current,
                                    status: .conflict)
        }
    }

    func end(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let (rule, _) = try await load(context)
        let form = try await FormData.from(request)
        do {
            _ = try await env.stores.recurringOrders.end(rule.id, expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer)
            return redirect(to: SiteURL.recurringOrder(rule.id).path, flash: env.translator.text("flash_rule_ended", context.language))
        } catch StoreError.versionConflict {
            return redirect(to: SiteURL.recurringOrder(rule.id).path, flash: env.translator.text("conflict_reload", context.language))
        }
    }

    static func values(_ form: FormData) -> [String: String] {
        templateFields.reduce(into: [:]) { $0[$1] = form[$1] ?? "" }
    }

    func render(_ request: Request, _ context: SignedInContext, client: Client, rule: RecurringOrderRule?, values: [String: String],
                assetIDs: [String], recurrence: RecurrenceForm, zone: TimeZone, errors: [String], version: Int64? = nil,
                status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = env.t(context.language)
        let orders: [WorkOrderListing] = try await rule.asyncMap { rule in
            var query = WorkOrderQuery(statuses: [.open, .inProgress], clientID: client.id, limit: 100)
            query.ruleID = rule.id
            return try await env.stores.workOrders.list(query, by: context.viewer)
        } ?? []
        let choices = try await WorkOrdersController(env: env, clients: clients).choices(values, assetIDs: assetIDs, client: client, context)
        let title = rule == nil ? t["rule_new"] ?? "" : t["rule_title"] ?? ""
        let page = Page(
            title: title, sentence: rule?.draft.sentence(context.language), ended: rule?.ended ?? false,
            clientName: "\(client.clientNumber) · \(client.displayName)", clientURL: SiteURL.client(client.id).path,
            action: rule.map { SiteURL.recurringOrder($0.id).path } ?? SiteURL.clientRecurringOrders(client.id).path,
            endAction: rule.flatMap { $0.ended ? nil : SiteURL.endRecurringOrder($0.id).path }, version: version ?? rule?.version,
            timeZone: zone.identifier, values: values.merging(recurrence.values) { $1 }, recurrence: recurrence.choices(t),
            choices: choices, errors: errors, hasErrors: !errors.isEmpty,
            orders: orders.map { WorkOrderRow($0, env: env, context: context) }, hasOrders: !orders.isEmpty)
        return try env.render("recurring-order", request, context, title: title, section: .workOrders, page, status: status)
    }

    func load(_ context: SignedInContext) async throws -> (RecurringOrderRule, Client) {
        guard let id = RecurringOrderRule.ID(string: context.parameters.get("rule")),
              let rule = try await env.stores.recurringOrders.rule(id, by: context.viewer),
              let client = try await env.stores.clients.client(rule.clientID, scope: context.clientScope)
        else { throw StoreError.notFound }
        return (rule, client)
    }
}
