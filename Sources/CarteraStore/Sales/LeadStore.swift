import CarteraCore
import Foundation
import SQLKit

/// A lead file with the names the funnel's table and the lead's page show.
public struct LeadListing: Sendable, Hashable {
    public let lead: Lead
    public let clientNumber: Int64
    public let clientName: String
    public let nationalID: String?
    public let phones: [String]
    public let emails: [String]
    public let projectName: String
    public let responsibleName: String
    public let channelName: String?
    public var quality: ContactQuality { ContactQuality(nationalID: nationalID, phones: phones, emails: emails) }
    /// Discarding is for a lead not yet quoted that cannot be reached well (bad or with problems).
    public var discardable: Bool { lead.phase == .lead && quality != .good }
}

/// One interaction as the lead's page lists it.
public struct InteractionListing: Sendable, Hashable {
    public let id: Int64
    public let leadID: Lead.ID
    public let kind: InteractionKind
    public let occurredAt: Date
    public let projectName: String
    public let stageName: String?
    public let subgroupName: String?
    public let productName: String?
    public let model: String?
    public let entryType: EntryType
    public let channelName: String?
    public let contactType: ContactType?
    public let expectation: Expectation?
    public let reservationStatusName: String?
    public let comment: String?
    public let userName: String
}

/// A survey answer as given.
public struct SurveyAnswer: Sendable, Hashable {
    public let question: String
    public let answer: String
    public let userName: String
    public let at: Date
}

/// What a salesperson writes when following a lead up: when to call again and how it went.
public struct LeadFollowUp: Sendable, Hashable {
    public var recontactAt: Date
    public var expectation: Expectation?
    public var contactType: ContactType?
    public var comment: String?
    public init(recontactAt: Date, expectation: Expectation? = nil, contactType: ContactType? = nil, comment: String? = nil) {
        self.recontactAt = recontactAt; self.expectation = expectation; self.contactType = contactType; self.comment = comment
    }
}

/// Leads: registered through `LeadIntake`, read under rule 2 with the
/// responsible as owner and assignee — plus every lead of the projects the
/// viewer manages — and worked through the funnel's actions.
public struct LeadStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    /// Registers an interaction (see `LeadIntake`); once per idempotency key.
    public func register(_ draft: InteractionDraft, by viewer: Viewer, idempotency: IdempotencyKey? = nil) async throws -> LeadIntakeResult {
        guard viewer.can(.editClients) else { throw StoreError.forbidden }
        let now = clock.now()
        let draft = try draft.validated(now: now)
        return try await database.write { session in
            if let idempotency, let earlier = try await idempotency.claim(session, userID: viewer.id, entity: "sales_interaction") {
                guard let row = try await session.first("""
                    SELECT i.id, i.lead_id, i.client_id, l.responsible_id FROM sales_interactions i JOIN sales_leads l ON l.id = i.lead_id
                    WHERE i.id = \(bind: earlier)
                    """) else { throw StoreError.notFound }
                return LeadIntakeResult(leadID: try row.id("lead_id"), interactionID: try row.int("id"), clientID: try row.id("client_id"),
                                        responsibleID: try row.id("responsible_id"), matchedBy: nil, replayed: true)
            }
            let result = try await LeadIntake.register(session, draft, by: viewer, at: now)
            try await idempotency?.complete(session, userID: viewer.id, entityID: result.interactionID)
            return result
        }
    }

    // MARK: Reads

    public func listing(_ id: Lead.ID, by viewer: Viewer) async throws -> LeadListing? {
        try await database.read { try await Self.listing($0, id, visibleTo: viewer) }
    }

    static func listing(_ session: Session, _ id: Lead.ID, visibleTo viewer: Viewer) async throws -> LeadListing? {
        try await session.first("\(select) WHERE l.id = \(bind: id.rawValue) AND \(visible(session, viewer))").map(listing)
    }

    /// The visible lead files of a client, newest first.
    public func leads(of client: Client.ID, by viewer: Viewer) async throws -> [LeadListing] {
        try await database.read { session in
            try await session.rows("""
                \(Self.select) WHERE l.client_id = \(bind: client.rawValue) AND \(Self.visible(session, viewer)) ORDER BY l.id DESC
                """).map(Self.listing)
        }
    }

    /// Every interaction of the client's visible lead files, newest first.
    public func interactions(of client: Client.ID, by viewer: Viewer) async throws -> [InteractionListing] {
        try await database.read { session in
            try await session.rows("""
                SELECT i.*, p.name AS project_name, s.name AS stage_name, g.name AS subgroup_name, pr.name AS product_name,
                    pr.model AS product_model, ch.name AS channel_name, rs.name AS status_name, u.name AS user_name
                FROM sales_interactions i JOIN sales_leads l ON l.id = i.lead_id JOIN clients c ON c.id = l.client_id
                JOIN sales_projects p ON p.id = i.project_id JOIN users u ON u.id = i.user_id
                LEFT JOIN sales_stages s ON s.id = i.stage_id LEFT JOIN sales_subgroups g ON g.id = i.subgroup_id
                LEFT JOIN sales_products pr ON pr.id = i.product_id LEFT JOIN sales_channels ch ON ch.id = i.channel_id
                LEFT JOIN reservation_statuses rs ON rs.id = i.reservation_status_id
                WHERE i.client_id = \(bind: client.rawValue) AND \(Self.visible(session, viewer))
                ORDER BY i.occurred_at DESC, i.id DESC
                """).map { r in
                InteractionListing(
                    id: try r.int("id"), leadID: try r.id("lead_id"), kind: InteractionKind(rawValue: try r.string("kind")) ?? .lead,
                    occurredAt: try r.instant("occurred_at"), projectName: try r.string("project_name"), stageName: try r.optString("stage_name"),
                    subgroupName: try r.optString("subgroup_name"), productName: try r.optString("product_name"),
                    model: try r.optString("product_model"), entryType: EntryType(rawValue: try r.string("entry_type")) ?? .centraliser,
                    channelName: try r.optString("channel_name"), contactType: try r.optString("contact_type").flatMap(ContactType.init),
                    expectation: try r.optString("expectation").flatMap(Expectation.init), reservationStatusName: try r.optString("status_name"),
                    comment: try r.optString("comment"), userName: try r.string("user_name"))
            }
        }
    }

    public func surveyAnswers(of id: Lead.ID, by viewer: Viewer) async throws -> [SurveyAnswer] {
        try await database.read { session in
            guard try await Self.listing(session, id, visibleTo: viewer) != nil else { return [] }
            return try await session.rows("""
                SELECT q.name AS question, a.answer, u.name AS user_name, a.at FROM sales_survey_answers a
                JOIN survey_questions q ON q.id = a.question_id JOIN users u ON u.id = a.user_id
                WHERE a.lead_id = \(bind: id.rawValue) ORDER BY a.at DESC, a.id
                """).map { SurveyAnswer(question: try $0.string("question"), answer: try $0.string("answer"),
                                        userName: try $0.string("user_name"), at: try $0.instant("at")) }
        }
    }

    // MARK: Actions

    /// Records a contact: a follow-up interaction now (the lead counts as contacted) and,
    /// in the engagement area, a follow-up for the responsible at the recontact date.
    public func followUp(_ id: Lead.ID, _ input: LeadFollowUp, expectedVersion: Int64, by viewer: Viewer) async throws -> Lead {
        var v = Validator()
        let comment = v.text("comment", input.comment, maxLength: 4000)
        try v.check()
        let now = clock.now()
        return try await act(id, expectedVersion: expectedVersion, by: viewer, action: "follow_up") { session, listing in
            let lead = listing.lead
            let draft = InteractionDraft(person: LeadPerson(name: listing.clientName), projectID: lead.projectID, stageID: lead.stageID,
                                         subgroupID: lead.subgroupID, entryType: lead.entryType, channelID: lead.channelID,
                                         contactType: input.contactType, expectation: input.expectation, kind: .followUp, comment: comment)
            _ = try await LeadIntake.insertInteraction(session, lead: lead.id, client: lead.clientID, draft, occurredAt: now, by: viewer.id, at: now)
            // Project (≤ 80) and client (≤ 200) names can outgrow a follow-up's title (200).
            let task = try FollowUpDraft(responsibleID: lead.responsibleID, title: String("\(listing.projectName): \(listing.clientName)".prefix(200)),
                                         description: comment, dueAt: input.recontactAt).validated()
            _ = try await FollowUpStore.insert(session, clientID: lead.clientID, task, by: viewer.id, at: now)
            try await session.run("""
                UPDATE sales_leads SET last_contact_at = \(session.instant(now)), last_interaction_at = \(session.instant(now)),
                    version = version + 1 WHERE id = \(bind: lead.id.rawValue)
                """)
            return ["lastContactAt": "", "recontactAt": ISO8601DateFormatter().string(from: input.recontactAt)]
        }
    }

    /// Answers to the survey's questions (empty answers are skipped; at least one is needed).
    public func answerSurvey(_ id: Lead.ID, _ answers: [SurveyQuestion.ID: String], by viewer: Viewer) async throws {
        var v = Validator()
        let given = answers.compactMapValues { v.text("answers", $0, maxLength: 1000) }
        if given.isEmpty { v.add("answers", "required") }
        try v.check()
        let now = clock.now()
        try await database.write { session in
            guard let listing = try await Self.listing(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            for (question, answer) in given.sorted(by: { $0.key < $1.key }) {
                guard try await session.first("""
                    SELECT id FROM survey_questions WHERE id = \(bind: question.rawValue) AND active = \(session.literal(true))
                    """) != nil else { throw ValidationFailure([FieldError("answers", "unknown_reference")]) }
                try await session.run("""
                    INSERT INTO sales_survey_answers (lead_id, question_id, answer, user_id, at)
                    VALUES (\(bind: id.rawValue), \(bind: question.rawValue), \(bind: answer), \(bind: viewer.id.rawValue), \(session.instant(now)))
                    """)
            }
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "lead", entityID: id.rawValue, clientID: listing.lead.clientID,
                                      action: "survey", changes: given.map { AuditChange(field: "survey.\($0.key)", before: nil, after: $0.value) }
                                        .sorted { $0.field < $1.field })
        }
    }

    /// Declines an open lead ("abortar"): a reason is required.
    public func abort(_ id: Lead.ID, reason: String?, comment: String?, expectedVersion: Int64, by viewer: Viewer) async throws -> Lead {
        try await close(id, to: .aborted, reason: reason, comment: comment, commentRequired: false, expectedVersion: expectedVersion, by: viewer)
    }

    /// Drops a lead that cannot be reached ("descartar"): only a lead not yet quoted whose
    /// contact quality is bad or with problems, with a reason and a comment.
    public func discard(_ id: Lead.ID, reason: String?, comment: String?, expectedVersion: Int64, by viewer: Viewer) async throws -> Lead {
        try await close(id, to: .discarded, reason: reason, comment: comment, commentRequired: true, expectedVersion: expectedVersion, by: viewer)
    }

    func close(_ id: Lead.ID, to state: LeadState, reason: String?, comment: String?, commentRequired: Bool, expectedVersion: Int64,
               by viewer: Viewer) async throws -> Lead {
        var v = Validator()
        let reason = v.text("reason", reason, required: true, maxLength: 200)
        let comment = v.text("comment", comment, required: commentRequired, maxLength: 4000)
        try v.check()
        return try await act(id, expectedVersion: expectedVersion, by: viewer, action: state.rawValue) { session, listing in
            guard listing.lead.state == .open else { throw ValidationFailure([FieldError("state", "lead_closed")]) }
            if state == .discarded, !listing.discardable {
                throw ValidationFailure([FieldError("state", "not_discardable")])
            }
            try await session.run("""
                UPDATE sales_leads SET state = \(bind: state.rawValue), reason = \(bind: reason), comment = \(bind: comment),
                    version = version + 1 WHERE id = \(bind: id.rawValue)
                """)
            return ["state": state.rawValue, "reason": reason ?? "", "comment": comment ?? ""]
        }
    }

    /// Completes the person of a lead whose contact quality is bad or with problems (a good
    /// one is edited on the client card): name, national id, e-mail and phone go to the client.
    public func editContact(_ id: Lead.ID, _ person: LeadPerson, expectedVersion: Int64, by viewer: Viewer) async throws -> Lead {
        guard viewer.can(.editClients) else { throw StoreError.forbidden }
        let person = try person.validated()
        let now = clock.now()
        return try await act(id, expectedVersion: expectedVersion, by: viewer, action: "contact") { session, listing in
            guard listing.quality != .good else { throw ValidationFailure([FieldError("state", "edit_on_card")]) }
            guard let client = try await ClientStore.client(session, listing.lead.clientID, scope: .all) else { throw StoreError.notFound }
            var draft = client.draft
            draft.legalName = person.name
            draft.taxID = person.nationalID
            draft.taxIDKind = person.nationalID == nil ? nil : person.nationalIDKind ?? draft.taxIDKind
            if let email = person.email { draft.emails = [email] + draft.emails.filter { $0 != email } }
            if let phone = person.phone { draft.phones = [phone] + draft.phones.filter { $0 != phone } }
            do {
                _ = try await ClientStore.replace(session, client, draft, definitions: try await LeadIntake.definitions(session), by: viewer, at: now, action: "update",
                                                  readBack: .all)
            } catch let failure as ValidationFailure {
                // The client's field names, as this form calls them.
                let names = ["legalName": "name", "taxId": "nationalId", "emails": "email", "phones": "phone"]
                throw ValidationFailure(failure.errors.map { FieldError(names[$0.field] ?? $0.field, $0.code, $0.arguments) })
            }
            try await session.run("UPDATE sales_leads SET version = version + 1 WHERE id = \(bind: id.rawValue)")
            return [:]
        }
    }

    /// Runs one action on a visible lead at `expectedVersion` in a transaction, audited on its client.
    func act(_ id: Lead.ID, expectedVersion: Int64, by viewer: Viewer, action: String,
             _ body: @Sendable @escaping (Session, LeadListing) async throws -> [String: String]) async throws -> Lead {
        let now = clock.now()
        return try await database.write { session in
            guard let listing = try await Self.listing(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            guard listing.lead.version == expectedVersion else { throw StoreError.versionConflict(current: listing.lead.version) }
            let changes = try await body(session, listing)
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "lead", entityID: id.rawValue, clientID: listing.lead.clientID,
                                      action: action, changes: AuditLog.diff([:], changes.filter { !$0.value.isEmpty }))
            return try await session.first("SELECT * FROM sales_leads WHERE id = \(bind: id.rawValue)").map(Self.lead)!
        }
    }

    // MARK: SQL

    /// Rule 2 for leads (alias `l`, client `c`): the responsible is owner and assignee; a
    /// project's managers see all its leads (rule 1 lets them see those clients).
    static func visible(_ session: Session, _ viewer: Viewer) -> SQLQueryString {
        """
        (\(OperationScope.of(viewer).predicate(session, owner: "l.responsible_id", assignee: "l.responsible_id"))
         OR EXISTS (SELECT 1 FROM sales_project_members pm WHERE pm.project_id = l.project_id
                    AND pm.user_id = \(bind: viewer.id.rawValue) AND pm.role = 'manager'))
        """
    }

    static let select: SQLQueryString = """
        SELECT l.*, c.client_number, c.legal_name, c.trade_name, c.tax_id, c.phones, c.emails, p.name AS project_name,
            u.name AS responsible_name, ch.name AS channel_name
        FROM sales_leads l JOIN clients c ON c.id = l.client_id JOIN sales_projects p ON p.id = l.project_id
        JOIN users u ON u.id = l.responsible_id LEFT JOIN sales_channels ch ON ch.id = l.channel_id
        """

    static func listing(_ r: Row) throws -> LeadListing {
        LeadListing(lead: try lead(r), clientNumber: try r.int("client_number"),
                    clientName: try r.optString("trade_name") ?? r.string("legal_name"), nationalID: try r.optString("tax_id"),
                    phones: try r.json("phones", as: [String].self), emails: try r.json("emails", as: [String].self),
                    projectName: try r.string("project_name"), responsibleName: try r.string("responsible_name"),
                    channelName: try r.optString("channel_name"))
    }

    static func lead(_ r: Row) throws -> Lead {
        Lead(id: try r.id("id"), clientID: try r.id("client_id"), projectID: try r.id("project_id"), stageID: try r.optID("stage_id"),
             subgroupID: try r.optID("subgroup_id"), responsibleID: try r.id("responsible_id"),
             entryType: EntryType(rawValue: try r.string("entry_type")) ?? .centraliser, channelID: try r.optID("channel_id"),
             phase: InteractionKind(rawValue: try r.string("phase")) ?? .lead, state: LeadState(rawValue: try r.string("state")) ?? .open,
             reason: try r.optString("reason"), comment: try r.optString("comment"), enteredAt: try r.instant("entered_at"),
             lastContactAt: try r.optInstant("last_contact_at"),
             lastInteractionAt: try r.instant("last_interaction_at"), version: try r.int("version"))
    }
}
