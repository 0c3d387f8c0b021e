import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// The sales funnel in the API: the catalogue of what is sold, lead intake for
/// web quoters and portals (`POST /leads` with an `Idempotency-Key`), the
/// funnel's counts and table, a lead's actions and a client's interactions —
/// all under the leads' scope (responsible, their managers, the project's managers).
extension APIController {
    func registerLeads(_ api: RouterGroup<SignedInContext>) {
        api.get("sales-projects") { _, context in try await self.listSalesProjects(context) }
        api.get("sales-channels") { _, _ in try await self.listSalesChannels() }
        api.get("reservation-statuses") { _, _ in try await self.listReservationStatuses() }
        api.get("survey-questions") { _, _ in try await self.listSurveyQuestions() }
        api.get("funnel") { request, context in try await self.funnelCounts(request, context) }
        api.get("leads") { request, context in try await self.listLeads(request, context) }
        api.post("leads") { request, context in try await self.createLead(request, context) }
        api.get("leads/:lead") { _, context in try await self.getLead(context) }
        api.post("leads/:lead/follow-ups") { request, context in try await self.followUpLead(request, context) }
        api.post("leads/:lead/abort") { request, context in try await self.closeLead(request, context, discard: false) }
        api.post("leads/:lead/discard") { request, context in try await self.closeLead(request, context, discard: true) }
        api.post("leads/:lead/contact") { request, context in try await self.editLeadContact(request, context) }
        api.post("leads/:lead/survey") { request, context in try await self.answerLeadSurvey(request, context) }
        api.get("clients/:id/interactions") { _, context in try await self.clientInteractions(context) }
    }

    struct LeadJSON: Encodable {
        let id: Int64, clientId: Int64, clientNumber: Int64, name: String, nationalId: String?, phones: [String], emails: [String]
        let quality: String, projectId: Int64, projectName: String, stageId: Int64?, subgroupId: Int64?, responsibleId: Int64
        let responsibleName: String, entryType: String, channelId: Int64?, channelName: String?, phase: String, state: String
        let reason: String?, comment: String?, enteredAt: Date, contactDeadline: Date, lastContactAt: Date?, lastInteractionAt: Date
        let version: Int64

        init(_ l: LeadListing, deadlineHours: Int) {
            let lead = l.lead
            id = lead.id.rawValue; clientId = lead.clientID.rawValue; clientNumber = l.clientNumber; name = l.clientName
            nationalId = l.nationalID; phones = l.phones; emails = l.emails; quality = l.quality.rawValue
            projectId = lead.projectID.rawValue; projectName = l.projectName; stageId = lead.stageID?.rawValue
            subgroupId = lead.subgroupID?.rawValue; responsibleId = lead.responsibleID.rawValue; responsibleName = l.responsibleName
            entryType = lead.entryType.rawValue; channelId = lead.channelID?.rawValue; channelName = l.channelName
            phase = lead.phase.rawValue; state = lead.state.rawValue; reason = lead.reason; comment = lead.comment
            enteredAt = lead.enteredAt; contactDeadline = lead.contactDeadline(hours: deadlineHours); lastContactAt = lead.lastContactAt
            lastInteractionAt = lead.lastInteractionAt; version = lead.version
        }
    }

    /// The person fields shared by intake and the contact action.
    struct PersonInput: Decodable {
        var name: String?, nationalId: String?, nationalIdKind: String?, email: String?, phone: String?

        func person(_ errors: inout [FieldError]) -> LeadPerson {
            let kind = nationalIdKind.flatMap { TaxIDKind(rawValue: $0.uppercased()) }
            if nationalIdKind != nil, kind == nil { errors.append(FieldError("nationalIdKind", "invalid_choice")) }
            return LeadPerson(name: name ?? "", nationalID: nationalId, nationalIDKind: kind, email: email, phone: phone)
        }
    }

    struct LeadInput: Decodable {
        var name: String?, nationalId: String?, nationalIdKind: String?, email: String?, phone: String?
        var projectId: Int64?, stageId: Int64?, subgroupId: Int64?, productId: Int64?, entryType: String?, channelId: Int64?
        var contactType: String?, expectation: String?, kind: String?, reservationStatusId: Int64?, comment: String?, occurredAt: String?
        var responsibleId: Int64?

        /// Parsed, with every malformed field reported at once (the store adds what it finds).
        func draft(now: Date) throws -> InteractionDraft {
            var errors: [FieldError] = []
            func choice<T: RawRepresentable>(_ field: String, _ raw: String?, _ fallback: T?) -> T? where T.RawValue == String {
                guard let raw else { return fallback }
                guard let value = T(rawValue: raw) else { errors.append(FieldError(field, "invalid_choice")); return fallback }
                return value
            }
            let person = PersonInput(name: name, nationalId: nationalId, nationalIdKind: nationalIdKind, email: email, phone: phone).person(&errors)
            if projectId == nil { errors.append(FieldError("projectId", "required")) }
            let entry: EntryType? = choice("entryType", entryType, .web)
            let contact: ContactType? = choice("contactType", contactType, nil)
            let expected: Expectation? = choice("expectation", expectation, nil)
            let kind: InteractionKind? = choice("kind", kind, .lead)
            var at: Date?
            if let occurredAt {
                at = RFC3339.date(occurredAt)
                if at == nil { errors.append(FieldError("occurredAt", "invalid_datetime")) }
            }
            let draft = InteractionDraft(
                person: person, projectID: SalesProject.ID(projectId ?? 0), stageID: stageId.map(SalesStage.ID.init),
                subgroupID: subgroupId.map(SalesSubgroup.ID.init), productID: productId.map(SalesProduct.ID.init), entryType: entry ?? .web,
                channelID: channelId.map(SalesChannel.ID.init), contactType: contact, expectation: expected, kind: kind ?? .lead,
                reservationStatusID: reservationStatusId.map(ReservationStatus.ID.init), comment: comment, occurredAt: at,
                responsibleID: responsibleId.map(User.ID.init))
            return try draft.validated(now: now, after: errors)
        }
    }

    // MARK: Catalogue

    func listSalesProjects(_ context: SignedInContext) async throws -> Response {
        struct Subgroup: Encodable { let id: Int64, name: String, active: Bool }
        struct Stage: Encodable { let id: Int64, name: String, active: Bool, subgroups: [Subgroup] }
        struct Product: Encodable { let id: Int64, name: String, model: String?, subgroupId: Int64?, active: Bool }
        struct Project: Encodable {
            let id: Int64, name: String, active: Bool, assignment: String, fixedResponsibleId: Int64?, stages: [Stage], products: [Product]
        }
        let catalogue = env.stores.salesCatalogue
        async let stages = catalogue.stages()
        async let subgroups = catalogue.subgroups()
        async let products = catalogue.products()
        let projects = try await catalogue.projects(of: context.viewer)
        let (allStages, allSubgroups, allProducts) = try await (stages, subgroups, products)
        let items = projects.map { p in
            Project(id: p.id.rawValue, name: p.name, active: p.active, assignment: p.assignment.rawValue,
                    fixedResponsibleId: p.fixedResponsibleID?.rawValue,
                    stages: allStages.filter { $0.projectID == p.id }.map { s in
                        Stage(id: s.id.rawValue, name: s.name, active: s.active, subgroups: allSubgroups.filter { $0.stageID == s.id }.map {
                            Subgroup(id: $0.id.rawValue, name: $0.name, active: $0.active)
                        })
                    },
                    products: allProducts.filter { $0.projectID == p.id }.map {
                        Product(id: $0.id.rawValue, name: $0.name, model: $0.model, subgroupId: $0.subgroupID?.rawValue, active: $0.active)
                    })
        }
        return try json(ListPage(items: items, nextCursor: nil))
    }

    func listSalesChannels() async throws -> Response {
        struct Channel: Encodable { let id: Int64, name: String, category: String, active: Bool }
        return try json(ListPage(items: try await env.stores.salesCatalogue.channels().map {
            Channel(id: $0.id.rawValue, name: $0.name, category: $0.category.rawValue, active: $0.active)
        }, nextCursor: nil))
    }

    func listReservationStatuses() async throws -> Response {
        struct Status: Encodable { let id: Int64, name: String, active: Bool }
        return try json(ListPage(items: try await env.stores.salesCatalogue.reservationStatuses().map {
            Status(id: $0.id.rawValue, name: $0.name, active: $0.active)
        }, nextCursor: nil))
    }

    func listSurveyQuestions() async throws -> Response {
        struct Question: Encodable { let id: Int64, text: String, active: Bool }
        return try json(ListPage(items: try await env.stores.salesCatalogue.surveyQuestions().map {
            Question(id: $0.id.rawValue, text: $0.text, active: $0.active)
        }, nextCursor: nil))
    }

    // MARK: Funnel and leads

    func funnelQuery(_ query: QueryParameters) throws -> FunnelQuery {
        let responsible: User.ID? = try query.id("responsibleId")
        return FunnelQuery(projectID: try query.id("projectId"), stageID: try query.id("stageId"), subgroupID: try query.id("subgroupId"),
                           responsible: responsible.map { .user($0) } ?? .anyone, entryType: try query.choice("entryType", EntryType.self),
                           from: try query.instant("from"), to: try query.instant("to"))
    }

    func funnelCounts(_ request: Request, _ context: SignedInContext) async throws -> Response {
        struct Phase: Encodable { let phase: String, total: Int, statuses: [String: Int], categories: [String: Int] }
        struct Funnel: Encodable { let phases: [Phase] }
        let counts = try await env.stores.funnel.counts(try funnelQuery(QueryParameters(FormData.query(request))), by: context.viewer)
        return try json(Funnel(phases: counts.map { c in
            Phase(phase: c.phase.rawValue, total: c.total, statuses: c.statuses,
                  categories: Dictionary(uniqueKeysWithValues: SalesChannel.Category.allCases.map { ($0.rawValue, c.categories[$0] ?? 0) }))
        }))
    }

    func listLeads(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let limit = try query.limit()
        let cursor = try Cursor(query.form["cursor"])
        let table = FunnelTableQuery(funnel: try funnelQuery(query), phase: try query.choice("phase", FunnelPhase.self) ?? .lead,
                                     status: query.form.text("status"), search: query.form.text("q"), limit: limit + 1, offset: cursor.offset)
        async let hours = env.stores.salesCatalogue.settings().contactDeadlineHours
        let found = try await env.stores.funnel.table(table, by: context.viewer)
        let deadline = try await hours
        let next = found.count > limit ? Cursor.offset(cursor.offset + limit) : nil
        return try json(ListPage(items: found.prefix(limit).map { LeadJSON($0, deadlineHours: deadline) }, nextCursor: next))
    }

    /// Intake: the person is matched to a client or becomes one; the lead goes to its file's
    /// responsible or the project's rule. A retry with the same `Idempotency-Key` and body changes nothing.
    func createLead(_ request: Request, _ context: SignedInContext) async throws -> Response {
        struct Created: Encodable {
            let leadId: Int64, interactionId: Int64, clientId: Int64, responsibleId: Int64, matchedBy: String?, lead: LeadJSON?
        }
        let data = try await body(request)
        let draft = try JSONInput.decode(LeadInput.self, from: data).draft(now: env.clock.now())
        let key = IdempotencyKey(key: request.headers[.init("Idempotency-Key")!], body: data)
        let result = try await env.stores.leads.register(draft, by: context.viewer, idempotency: key)
        let hours = try await env.stores.salesCatalogue.settings().contactDeadlineHours
        // The caller may not see the lead it handed to someone else: then only the ids come back.
        let lead = try await env.stores.leads.listing(result.leadID, by: context.viewer).map { LeadJSON($0, deadlineHours: hours) }
        var response = try json(Created(leadId: result.leadID.rawValue, interactionId: result.interactionID, clientId: result.clientID.rawValue,
                                        responsibleId: result.responsibleID.rawValue, matchedBy: result.matchedBy?.rawValue, lead: lead),
                                status: .created)
        if result.replayed { response.headers[.init("Idempotent-Replayed")!] = "true" }
        response.headers[.location] = "/api/v1/leads/\(result.leadID)"
        return response
    }

    func getLead(_ context: SignedInContext) async throws -> Response {
        let listing = try await loadLead(context)
        return try json(LeadJSON(listing, deadlineHours: try await env.stores.salesCatalogue.settings().contactDeadlineHours),
                        etag: listing.lead.version)
    }

    /// `{"recontactAt": "…", "expectation": "high", "contactType": "phone", "comment": "…"}` with `If-Match`.
    func followUpLead(_ request: Request, _ context: SignedInContext) async throws -> Response {
        struct Input: Decodable { let recontactAt: String?, expectation: String?, contactType: String?, comment: String? }
        let version = try expectedVersion(request, context)
        let listing = try await loadLead(context)
        let input = try JSONInput.decode(Input.self, from: try await body(request))
        var errors: [FieldError] = []
        let at = input.recontactAt.flatMap(RFC3339.date)
        if at == nil { errors.append(FieldError("recontactAt", input.recontactAt == nil ? "required" : "invalid_datetime")) }
        let expectation = input.expectation.flatMap(Expectation.init)
        if input.expectation != nil, expectation == nil { errors.append(FieldError("expectation", "invalid_choice")) }
        let contact = input.contactType.flatMap(ContactType.init)
        if input.contactType != nil, contact == nil { errors.append(FieldError("contactType", "invalid_choice")) }
        guard errors.isEmpty, let at else { throw ValidationFailure(errors) }
        _ = try await env.stores.leads.followUp(listing.lead.id, LeadFollowUp(recontactAt: at, expectation: expectation, contactType: contact,
                                                                              comment: input.comment),
                                                expectedVersion: version, by: context.viewer)
        return try await getLead(context)
    }

    func closeLead(_ request: Request, _ context: SignedInContext, discard: Bool) async throws -> Response {
        struct Input: Decodable { let reason: String?, comment: String? }
        let version = try expectedVersion(request, context)
        let listing = try await loadLead(context)
        let input = try JSONInput.decode(Input.self, from: try await body(request))
        let leads = env.stores.leads
        _ = discard
            ? try await leads.discard(listing.lead.id, reason: input.reason, comment: input.comment, expectedVersion: version, by: context.viewer)
            : try await leads.abort(listing.lead.id, reason: input.reason, comment: input.comment, expectedVersion: version, by: context.viewer)
        return try await getLead(context)
    }

    func editLeadContact(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let version = try expectedVersion(request, context)
        let listing = try await loadLead(context)
        let input = try JSONInput.decode(PersonInput.self, from: try await body(request))
        var errors: [FieldError] = []
        let person = input.person(&errors)
        if !errors.isEmpty { throw ValidationFailure(errors) }
        _ = try await env.stores.leads.editContact(listing.lead.id, person, expectedVersion: version, by: context.viewer)
        return try await getLead(context)
    }

    /// `{"answers": [{"questionId": 1, "answer": "3 dormitorios"}]}`.
    func answerLeadSurvey(_ request: Request, _ context: SignedInContext) async throws -> Response {
        struct Answer: Decodable { let questionId: Int64, answer: String }
        struct Input: Decodable { let answers: [Answer] }
        let listing = try await loadLead(context)
        let input = try JSONInput.decode(Input.self, from: try await body(request))
        let answers = Dictionary(input.answers.map { (SurveyQuestion.ID($0.questionId), $0.answer) }, uniquingKeysWith: { $1 })
        try await env.stores.leads.answerSurvey(listing.lead.id, answers, by: context.viewer)
        return Response(status: .noContent)
    }

    func clientInteractions(_ context: SignedInContext) async throws -> Response {
        struct Interaction: Encodable {
            let id: Int64, leadId: Int64, kind: String, occurredAt: Date, projectName: String, stageName: String?, subgroupName: String?
            let productName: String?, model: String?, entryType: String, channelName: String?, contactType: String?, expectation: String?
            let reservationStatus: String?, comment: String?, userName: String
        }
        let client = try await load(context)
        let items = try await env.stores.leads.interactions(of: client.id, by: context.viewer).map {
            Interaction(id: $0.id, leadId: $0.leadID.rawValue, kind: $0.kind.rawValue, occurredAt: $0.occurredAt, projectName: $0.projectName,
                        stageName: $0.stageName, subgroupName: $0.subgroupName, productName: $0.productName, model: $0.model,
                        entryType: $0.entryType.rawValue, channelName: $0.channelName, contactType: $0.contactType?.rawValue,
                        expectation: $0.expectation?.rawValue, reservationStatus: $0.reservationStatusName, comment: $0.comment,
                        userName: $0.userName)
        }
        return try json(ListPage(items: items, nextCursor: nil))
    }

    func loadLead(_ context: SignedInContext) async throws -> LeadListing {
        guard let id = Lead.ID(string: context.parameters.get("lead")),
              let listing = try await env.stores.leads.listing(id, by: context.viewer) else { throw StoreError.notFound }
        return listing
    }
}
