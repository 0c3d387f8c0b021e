import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Leads in the browser: registering an interaction by hand (sales room or
/// centraliser), and a lead's page with its person, file, survey answers, the
/// client's interactions, and the seed's actions as forms.
struct LeadsController {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.newLead.route) { request, context in try await self.newForm(request, context) }
        group.post(SiteURL.leads.route) { request, context in try await self.create(request, context) }
        group.get("/leads/:lead") { request, context in try await self.page(request, context) }
        group.post("/leads/:lead/follow-up") { request, context in try await self.act(request, context, .followUp) }
        group.post("/leads/:lead/survey") { request, context in try await self.act(request, context, .survey) }
        group.post("/leads/:lead/abort") { request, context in try await self.act(request, context, .abort) }
        group.post("/leads/:lead/discard") { request, context in try await self.act(request, context, .discard) }
        group.post("/leads/:lead/contact") { request, context in try await self.act(request, context, .contact) }
    }

    // MARK: Registering by hand

    struct FormPage: Encodable {
        let values: [String: String]
        let projects: [Option], stages: [Option], subgroups: [Option], products: [Option], entries: [Option], channels: [Option]
        let contactTypes: [Option], expectations: [Option], kinds: [Option], statuses: [Option], responsibles: [Option], idKinds: [Option]
        let errors: [String]
    }

    static let fields = ["name", "nationalId", "nationalIdKind", "email", "phone", "projectId", "stageId", "subgroupId", "productId", "entryType",
                         "channelId", "contactType", "expectation", "kind", "reservationStatusId", "occurredDate", "occurredTime", "comment",
                         "responsibleId"]

    func newForm(_ request: Request, _ context: SignedInContext, form: FormData? = nil, errors: [String] = [],
                 status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.editClients)
        let t = env.t(context.language)
        var values = Self.fields.reduce(into: [String: String]()) { $0[$1] = form?[$1] ?? "" }
        if form == nil { values["entryType"] = EntryType.centraliser.rawValue; values["kind"] = InteractionKind.lead.rawValue }
        let catalogue = env.stores.salesCatalogue
        let projects = try await catalogue.projects(of: context.viewer).filter(\.active)
        let ids = Set(projects.map(\.id))
        let projectName = Dictionary(uniqueKeysWithValues: projects.map { ($0.id, $0.name) })
        let stages = try await catalogue.stages().filter { ids.contains($0.projectID) && $0.active }
        let stageByID = Dictionary(uniqueKeysWithValues: stages.map { ($0.id, $0) })
        let subgroups = try await catalogue.subgroups().filter { stageByID[$0.stageID] != nil && $0.active }
        let products = try await catalogue.products().filter { ids.contains($0.projectID) && $0.active }
        func choices<T: RawRepresentable>(_ all: [T], _ key: String, prefix: String, empty: Bool) -> [Option] where T.RawValue == String {
            (empty ? [Option(value: "", label: "—", selected: values[key, default: ""].isEmpty)] : [])
                + all.map { Option(value: $0.rawValue, label: t["\(prefix)\($0.rawValue)"] ?? $0.rawValue, selected: values[key] == $0.rawValue) }
        }
        let page = FormPage(
            values: values,
            projects: Option.list(projects.map { ($0.id, $0.name) }, selected: values["projectId"]),
            stages: Option.list(stages.map { ($0.id, "\(projectName[$0.projectID] ?? "") › \($0.name)") }, selected: values["stageId"]),
            subgroups: Option.list(subgroups.map { g in
                let stage = stageByID[g.stageID]!
                return (g.id, "\(projectName[stage.projectID] ?? "") › \(stage.name) › \(g.name)")
            }, selected: values["subgroupId"]),
            products: Option.list(products.map { ($0.id, "\(projectName[$0.projectID] ?? "") › \($0.name)\($0.model.map { " (\($0))" } ?? "")") },
                                  selected: values["productId"]),
            entries: choices(EntryType.allCases, "entryType", prefix: "entry_type_", empty: false),
            channels: Option.list(try await catalogue.channels().filter(\.active).map { ($0.id, $0.name) }, selected: values["channelId"]),
            contactTypes: choices(ContactType.allCases, "contactType", prefix: "contact_type_", empty: true),
            expectations: choices(Expectation.allCases, "expectation", prefix: "expectation_", empty: true),
            kinds: choices(InteractionKind.intake, "kind", prefix: "interaction_kind_", empty: false),
            statuses: Option.list(try await catalogue.reservationStatuses().filter(\.active).map { ($0.id, $0.name) },
                                  selected: values["reservationStatusId"]),
            responsibles: Option.list(try await env.stores.users.all().filter(\.active).map { ($0.id, $0.name) }, selected: values["responsibleId"],
                                      emptyLabel: t["lead_responsible_by_rule"] ?? ""),
            idKinds: [Option(value: "", label: "—", selected: values["nationalIdKind"]!.isEmpty)]
                + TaxIDKind.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: values["nationalIdKind"] == $0.rawValue) },
            errors: errors)
        return try env.render("lead-form", request, context, title: t["lead_new"] ?? "", section: .funnel, page, status: status)
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        do {
            let result = try await env.stores.leads.register(try Self.draft(form, timeZone: context.timeZone, now: env.clock.now()),
                                                             by: context.viewer)
            let responsible = try await env.stores.users.all().first { $0.id == result.responsibleID }?.name ?? ""
            let flash = env.translator.text("lead_registered", context.language).replacingOccurrences(of: "{name}", with: responsible)
            // The lead may have gone to someone whose leads the viewer does not see.
            guard try await env.stores.leads.listing(result.leadID, by: context.viewer) != nil else { return redirect(.funnel, flash: flash) }
            return redirect(.lead(result.leadID), flash: flash)
        } catch let failure as ValidationFailure {
            return try await newForm(request, context, form: form, errors: env.messages(failure, context.language).list, status: .unprocessableContent)
        }
    }

    static func draft(_ form: FormData, timeZone: TimeZone, now: Date) throws -> InteractionDraft {
        var errors: [FieldError] = []
        func choice<T: RawRepresentable>(_ key: String, _ type: T.Type) -> T? where T.RawValue == String {
            guard let raw = form.text(key) else { return nil }
            guard let value = T(rawValue: raw) else { errors.append(FieldError(key, "invalid_choice")); return nil }
            return value
        }
        let project = SalesProject.ID(string: form["projectId"])
        if project == nil { errors.append(FieldError("projectId", "required")) }
        var at: Date?
        if let day = form.text("occurredDate") {
            var v = Validator()
            at = v.instant(date: ("occurredDate", day), time: ("occurredTime", form.text("occurredTime") ?? "00:00"), timeZone: timeZone)
            errors += v.errors
        }
        let draft = InteractionDraft(
            person: LeadPerson(name: form["name"] ?? "", nationalID: form["nationalId"], nationalIDKind: choice("nationalIdKind", TaxIDKind.self),
                               email: form["email"], phone: form["phone"]),
            projectID: project ?? .init(0), stageID: SalesStage.ID(string: form["stageId"]), subgroupID: SalesSubgroup.ID(string: form["subgroupId"]),
            productID: SalesProduct.ID(string: form["productId"]), entryType: choice("entryType", EntryType.self) ?? .centraliser,
            channelID: SalesChannel.ID(string: form["channelId"]), contactType: choice("contactType", ContactType.self),
            expectation: choice("expectation", Expectation.self), kind: choice("kind", InteractionKind.self) ?? .lead,
            reservationStatusID: ReservationStatus.ID(string: form["reservationStatusId"]), comment: form["comment"], occurredAt: at,
            responsibleID: User.ID(string: form["responsibleId"]))
        return try draft.validated(now: now, after: errors)
    }

    // MARK: The lead's page

    enum Action: String { case followUp = "follow-up", survey, abort, discard, contact }

    struct Page: Encodable {
        struct Fact: Encodable { let label: String; let value: String }
        struct Link: Encodable { let label: String; let url: String; let external: Bool }
        struct Question: Encodable { let id: String; let text: String; let value: String }
        struct Answer: Encodable { let question: String; let answer: String; let by: String; let at: String }
        struct Interaction: Encodable {
            let when: String, kind: String, project: String, stage: String, subgroup: String, product: String, model: String
            let contactType: String, expectation: String, entryType: String, channel: String, status: String, comment: String, user: String
        }
        let title: String
        let base: String
        let version: Int64
        let facts: [Fact]
        let qualityRule: String
        let links: [Link]
        let open: Bool
        let canFollowUp: Bool, canSurvey: Bool, canContact: Bool, canDiscard: Bool
        let openSurvey: Bool, openAbort: Bool, openDiscard: Bool
        let errors: [String]
        let values: [String: String]
        let contactTypes: [Option], expectations: [Option], idKinds: [Option]
        let questions: [Question]
        let answers: [Answer]
        let hasAnswers: Bool
        let interactions: [Interaction]
    }

    func page(_ request: Request, _ context: SignedInContext, failed: Action? = nil, form: FormData? = nil, errors: [String] = [],
              version: Int64? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let listing = try await load(context)
        let lead = listing.lead
        let t = env.t(context.language)
        let settings = try await env.stores.salesCatalogue.settings()
        async let answers = env.stores.leads.surveyAnswers(of: lead.id, by: context.viewer)
        async let interactions = env.stores.leads.interactions(of: lead.clientID, by: context.viewer)
        async let questions = env.stores.salesCatalogue.surveyQuestions()
        let open = lead.state == .open
        let (activeQuestions, given) = try await (questions.filter(\.active), answers)
        let reachable = listing.quality != .good
        var values = ["name": listing.clientName, "nationalId": listing.nationalID ?? "", "email": listing.emails.first ?? "",
                      "phone": listing.phones.first ?? "", "nationalIdKind": "", "recontactDate": "", "recontactTime": "09:00",
                      "expectation": "", "contactType": "", "comment": "", "reason": ""]
        if let form { for key in values.keys { values[key] = form[key] ?? "" } }
        let value = { (d: Date?) in d.map { env.dateTime($0, context) } ?? "N/E" }
        let facts: [(String, String?)] = [
            ("lead_column_project", listing.projectName), ("lead_column_responsible", listing.responsibleName),
            ("lead_column_lastInteraction", t["interaction_kind_\(lead.phase.rawValue)"]),
            ("status", t["lead_state_\(lead.state.rawValue)"]), ("field_reason", lead.reason), ("field_comment", lead.comment),
            ("field_entryType", t["entry_type_\(lead.entryType.rawValue)"]), ("field_channelId", listing.channelName),
            ("lead_column_entered", value(lead.enteredAt)), ("lead_contact_deadline", value(lead.contactDeadline(hours: settings.contactDeadlineHours))),
            ("lead_column_lastContact", value(lead.lastContactAt)), ("lead_column_quality", t["lead_quality_\(listing.quality.rawValue)"]),
            ("lead_column_nationalId", listing.nationalID ?? t["lead_without_id"]), ("column_phones", listing.phones.joined(separator: ", ")),
            ("column_emails", listing.emails.joined(separator: ", ")),
        ]
        let choices = { (all: [String], key: String, prefix: String) in
            [Option(value: "", label: "—", selected: values[key, default: ""].isEmpty)]
                + all.map { Option(value: $0, label: t["\(prefix)\($0)"] ?? $0, selected: values[key] == $0) }
        }
        let base = SiteURL.lead(lead.id).path
        let page = Page(
            title: listing.clientName, base: base, version: version ?? lead.version,
            facts: facts.compactMap { key, value in value.flatMap { $0.isEmpty ? nil : Page.Fact(label: t[key] ?? key, value: $0) } },
            qualityRule: t["lead_quality_rule"] ?? "",
            links: LeadActions.available(listing, phase: FunnelPhase(lead.phase), settings: settings, t: t).filter { !$0.url.hasPrefix(base) }
                .map { Page.Link(label: $0.label, url: $0.url, external: $0.external) },
            open: open, canFollowUp: open, canSurvey: open && !activeQuestions.isEmpty, canContact: open && reachable,
            canDiscard: open && listing.discardable,
            openSurvey: failed == .survey, openAbort: failed == .abort, openDiscard: failed == .discard, errors: errors, values: values,
            contactTypes: choices(ContactType.allCases.map(\.rawValue), "contactType", "contact_type_"),
            expectations: choices(Expectation.allCases.map(\.rawValue), "expectation", "expectation_"),
            idKinds: choices(TaxIDKind.allCases.map(\.rawValue), "nationalIdKind", ""),
            questions: activeQuestions.map { Page.Question(id: $0.id.description, text: $0.text, value: form?["q\($0.id)"] ?? "") },
            answers: given.map { Page.Answer(question: $0.question, answer: $0.answer, by: $0.userName, at: env.dateTime($0.at, context)) },
            hasAnswers: !given.isEmpty,
            interactions: try await interactions.map { i in
                Page.Interaction(
                    when: env.dateTime(i.occurredAt, context), kind: t["interaction_kind_\(i.kind.rawValue)"] ?? "", project: i.projectName,
                    stage: i.stageName ?? "", subgroup: i.subgroupName ?? "", product: i.productName ?? "", model: i.model ?? "",
                    contactType: i.contactType.map { t["contact_type_\($0.rawValue)"] ?? "" } ?? "",
                    expectation: i.expectation.map { t["expectation_\($0.rawValue)"] ?? "" } ?? "",
                    entryType: t["entry_type_\(i.entryType.rawValue)"] ?? "", channel: i.channelName ?? "", status: i.reservationStatusName ?? "",
                    comment: i.comment ?? "", user: i.userName)
            })
        return try env.render("lead", request, context, title: listing.clientName, section: .funnel, page, status: status)
    }

    func act(_ request: Request, _ context: SignedInContext, _ action: Action) async throws -> Response {
        let listing = try await load(context)
        let form = try await FormData.from(request)
        let version = Int64(form["version"] ?? "") ?? 0
        let leads = env.stores.leads, viewer = context.viewer, id = listing.lead.id
        do {
            switch action {
            case .followUp:
                var v = Validator()
                let at = v.instant(date: ("recontactDate", form["recontactDate"] ?? ""), time: ("recontactTime", form["recontactTime"] ?? "09:00"),
                                   timeZone: context.timeZone)
                let expectation = form.text("expectation").flatMap(Expectation.init)
                let contact = form.text("contactType").flatMap(ContactType.init)
                try v.check()
                _ = try await leads.followUp(id, LeadFollowUp(recontactAt: at!, expectation: expectation, contactType: contact, comment: form["comment"]),
                                             expectedVersion: version, by: viewer)
            case .survey:
                let questions = try await env.stores.salesCatalogue.surveyQuestions().filter(\.active)
                try await leads.answerSurvey(id, Dictionary(uniqueKeysWithValues: questions.map { ($0.id, form["q\($0.id)"] ?? "") }), by: viewer)
            case .abort:
                _ = try await leads.abort(id, reason: form["reason"], comment: form["comment"], expectedVersion: version, by: viewer)
            case .discard:
                _ = try await leads.discard(id, reason: form["reason"], comment: form["comment"], expectedVersion: version, by: viewer)
            case .contact:
                _ = try await leads.editContact(id, LeadPerson(name: form["name"] ?? "", nationalID: form["nationalId"],
                                                               nationalIDKind: form.text("nationalIdKind").flatMap(TaxIDKind.init),
                                                               email: form["email"], phone: form["phone"]),
                                                expectedVersion: version, by: viewer)
            }
            return redirect(.lead(id), flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await page(request, context, failed: action, form: form, errors: env.messages(failure, context.language).list,
                                  version: version, status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await page(request, context, failed: action, form: form, errors: [env.translator.text("conflict_reload", context.language)],
                                  version: current, status: .conflict)
        }
    }

    func load(_ context: SignedInContext) async throws -> LeadListing {
        guard let id = Lead.ID(string: context.parameters.get("lead")),
              let listing = try await env.stores.leads.listing(id, by: context.viewer) else { throw StoreError.notFound }
        return listing
    }
}
