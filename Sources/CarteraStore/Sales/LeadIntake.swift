import CarteraCore
import Foundation
import SQLKit

/// What registering an interaction did.
public struct LeadIntakeResult: Sendable, Hashable {
    public let leadID: Lead.ID
    public let interactionID: Int64
    public let clientID: Client.ID
    public let responsibleID: User.ID
    /// How the person was found among the clients; nil when a new client was made.
    public let matchedBy: LeadMatch?
    /// A retried request under the same idempotency key: nothing new was written.
    public let replayed: Bool
}

/// How a lead's person was matched to an existing client.
public enum LeadMatch: String, Sendable, Codable { case nationalId, email, phone }

/// Lead intake (seed 003): one interaction from a web quoter, a portal, the
/// sales room or a salesperson, written with the person deduplicated into a
/// client, the lead file it joins or opens, and its responsible — all in one
/// transaction.
///
/// Matching, in order: the same national id; else the same e-mail; else the
/// same phone (last eight digits) *and* a name that sounds the same (couples
/// share phones). A client whose national id differs from the one given is
/// never a match. A matched client gains the e-mail, phone and national id it
/// lacked.
enum LeadIntake {
    static func register(_ session: Session, _ draft: InteractionDraft, by viewer: Viewer, at now: Date) async throws -> LeadIntakeResult {
        try await checkReferences(session, draft)
        let occurredAt = draft.occurredAt ?? now
        let match = try await findClient(session, draft.person)
        var lead: Lead? = nil
        if let match, let current = try await currentLead(session, client: match.client.id, project: draft.projectID),
           !current.startsOver(with: draft.kind) { lead = current }
        let responsible: User.ID = if let lead { lead.responsibleID } else {
            try await responsibleFor(session, draft, fallback: viewer.id)
        }
        let client: Client
        if let match {
            client = try await enrich(session, match.client, with: draft.person, by: viewer, at: now)
        } else {
            let person = draft.person
            let fresh = ClientDraft(legalName: person.name, taxID: person.nationalID, taxIDKind: person.nationalIDKind, salesAgentID: responsible,
                                    emails: person.email.map { [$0] } ?? [], phones: person.phone.map { [$0] } ?? [])
            client = try await ClientStore.insert(session, fresh, definitions: try await definitions(session), by: viewer, at: now,
                                                  action: "create", readBack: .all)
        }
        let leadID: Lead.ID
        if let lead {
            leadID = lead.id
            try await session.run("""
                UPDATE sales_leads SET phase = \(bind: max(lead.phase, draft.kind).rawValue),
                    stage_id = COALESCE(\(bind: draft.stageID?.rawValue), stage_id), subgroup_id = COALESCE(\(bind: draft.subgroupID?.rawValue), subgroup_id),
                    state = \(bind: draft.kind >= .reservation ? LeadState.open.rawValue : lead.state.rawValue),
                    last_interaction_at = \(session.instant(max(lead.lastInteractionAt, occurredAt))), version = version + 1
                WHERE id = \(bind: lead.id.rawValue)
                """)
        } else {
            leadID = try await session.first("""
                INSERT INTO sales_leads (client_id, project_id, stage_id, subgroup_id, responsible_id, entry_type, channel_id, phase,
                    entered_at, last_interaction_at)
                VALUES (\(bind: client.id.rawValue), \(bind: draft.projectID.rawValue), \(bind: draft.stageID?.rawValue),
                    \(bind: draft.subgroupID?.rawValue), \(bind: responsible.rawValue), \(bind: draft.entryType.rawValue),
                    \(bind: draft.channelID?.rawValue), \(bind: draft.kind.rawValue), \(session.instant(occurredAt)),
                    \(session.instant(occurredAt)))
                RETURNING id
                """)!.id("id")
        }
        let interactionID = try await insertInteraction(session, lead: leadID, client: client.id, draft, occurredAt: occurredAt, by: viewer.id,
                                                        at: now)
        try await AuditLog.record(session, at: now, userID: viewer.id, entity: "lead", entityID: leadID.rawValue, clientID: client.id,
                                  action: draft.kind.rawValue, changes: AuditLog.diff([:], [
                                    "projectId": draft.projectID.description, "entryType": draft.entryType.rawValue,
                                    "channelId": draft.channelID?.description ?? "", "responsibleId": responsible.description,
                                    "interactionId": String(interactionID)]))
        return LeadIntakeResult(leadID: leadID, interactionID: interactionID, clientID: client.id, responsibleID: responsible,
                                matchedBy: match?.by, replayed: false)
    }

    static func insertInteraction(_ session: Session, lead: Lead.ID, client: Client.ID, _ d: InteractionDraft, occurredAt: Date,
                                  by user: User.ID, at now: Date) async throws -> Int64 {
        var status = d.reservationStatusID
        if d.kind == .reservation, status == nil {
            status = try await session.first("""
                SELECT id FROM reservation_statuses WHERE active = \(session.literal(true)) ORDER BY position, id LIMIT 1
                """).map { try $0.id("id") }
        }
        return try await session.first("""
            INSERT INTO sales_interactions (lead_id, client_id, project_id, stage_id, subgroup_id, product_id, entry_type, channel_id,
                contact_type, expectation, kind, reservation_status_id, comment, occurred_at, user_id, created_at)
            VALUES (\(bind: lead.rawValue), \(bind: client.rawValue), \(bind: d.projectID.rawValue), \(bind: d.stageID?.rawValue),
                \(bind: d.subgroupID?.rawValue), \(bind: d.productID?.rawValue), \(bind: d.entryType.rawValue), \(bind: d.channelID?.rawValue),
                \(bind: d.contactType?.rawValue), \(bind: d.expectation?.rawValue), \(bind: d.kind.rawValue), \(bind: status?.rawValue),
                \(bind: d.comment), \(session.instant(occurredAt)), \(bind: user.rawValue), \(session.instant(now)))
            RETURNING id
            """)!.int("id")
    }

    // MARK: Matching

    static func findClient(_ session: Session, _ person: LeadPerson) async throws -> (client: Client, by: LeadMatch)? {
        let nationalKey = person.nationalID.map(Normalization.compactKey)
        if let nationalKey, let found = try await session.first("""
            SELECT id FROM clients WHERE tax_id_key = \(bind: nationalKey) AND archived = \(session.literal(false))
            """), let client = try await ClientStore.client(session, try found.id("id"), scope: .all) {
            return (client, .nationalId)
        }
        // Without the id, a candidate must not carry a different one.
        let sameOrNoID: SQLQueryString = nationalKey == nil ? "1 = 1" : "c.tax_id_key IS NULL"
        if let email = person.email.flatMap(Normalization.emailKey), let found = try await session.first("""
            SELECT c.id FROM client_email_keys k JOIN clients c ON c.id = k.client_id
            WHERE k.email_key = \(bind: email) AND c.archived = \(session.literal(false)) AND \(sameOrNoID) ORDER BY c.id LIMIT 1
            """), let client = try await ClientStore.client(session, try found.id("id"), scope: .all) {
            return (client, .email)
        }
        let sound = Normalization.soundKey(person.name)
        if let tail = person.phone.flatMap(Normalization.phoneTail), !sound.isEmpty, let found = try await session.first("""
            SELECT c.id FROM client_phone_tails t JOIN clients c ON c.id = t.client_id
            WHERE t.tail = \(bind: tail) AND c.name_sound = \(bind: sound) AND c.archived = \(session.literal(false)) AND \(sameOrNoID)
            ORDER BY c.id LIMIT 1
            """), let client = try await ClientStore.client(session, try found.id("id"), scope: .all) {
            return (client, .phone)
        }
        return nil
    }

    /// Adds what the matched client lacked: the e-mail, the phone, the national id.
    static func enrich(_ session: Session, _ client: Client, with person: LeadPerson, by viewer: Viewer, at now: Date) async throws -> Client {
        var draft = client.draft
        if let email = person.email, !draft.emails.contains(email), draft.emails.count < 10 { draft.emails.append(email) }
        if let phone = person.phone, let tail = Normalization.phoneTail(phone),
           !draft.phones.contains(where: { Normalization.phoneTail($0) == tail }), draft.phones.count < 10 { draft.phones.append(phone) }
        if draft.taxID == nil, let id = person.nationalID { draft.taxID = id; draft.taxIDKind = person.nationalIDKind }
        guard draft != client.draft else { return client }
        return try await ClientStore.replace(session, client, draft, definitions: try await definitions(session), by: viewer, at: now,
                                             action: "update", readBack: .all)
    }

    /// The custom fields a client written from a lead is checked against: required ones are
    /// completed on the card later, so a lead is not refused for them.
    static func definitions(_ session: Session) async throws -> [CustomFieldDefinition] {
        try await CatalogueStore.customFields(session).map { d in var d = d; d.required = false; return d }
    }

    // MARK: Lead files and assignment

    static func currentLead(_ session: Session, client: Client.ID, project: SalesProject.ID) async throws -> Lead? {
        try await session.first("""
            SELECT * FROM sales_leads WHERE client_id = \(bind: client.rawValue) AND project_id = \(bind: project.rawValue)
            ORDER BY id DESC LIMIT 1
            """).map(LeadStore.lead)
    }

    /// The responsible of a new lead file: the one chosen by hand, else the project's rule
    /// (its fixed responsible, or its active sellers in turn by user number), else the registering user.
    static func responsibleFor(_ session: Session, _ draft: InteractionDraft, fallback: User.ID) async throws -> User.ID {
        if let chosen = draft.responsibleID { return chosen }
        // Touching the row first takes its lock on PostgreSQL, so two intakes never pick the same turn.
        try await session.run("UPDATE sales_projects SET last_assigned_id = last_assigned_id WHERE id = \(bind: draft.projectID.rawValue)")
        let project = try await session.first("SELECT * FROM sales_projects WHERE id = \(bind: draft.projectID.rawValue)")!
        let rule = SalesProject.Assignment(rawValue: try project.string("assignment")) ?? .roundRobin
        if rule == .fixed, let fixed: User.ID = try project.optID("fixed_responsible_id"), try await References.isActiveUser(session, fixed) {
            return fixed
        }
        let sellers: [User.ID] = try await session.rows("""
            SELECT m.user_id FROM sales_project_members m JOIN users u ON u.id = m.user_id
            WHERE m.project_id = \(bind: draft.projectID.rawValue) AND m.role = 'seller' AND u.active = \(session.literal(true))
            ORDER BY m.user_id
            """).map { try $0.id("user_id") }
        guard rule == .roundRobin, !sellers.isEmpty else { return fallback }
        let last = try project.optInt("last_assigned_id") ?? 0
        let next = sellers.first { $0.rawValue > last } ?? sellers[0]
        try await session.run("UPDATE sales_projects SET last_assigned_id = \(bind: next.rawValue) WHERE id = \(bind: draft.projectID.rawValue)")
        return next
    }

    /// Every reference must exist and hang from the project; inactive catalogue rows take no new interactions.
    static func checkReferences(_ session: Session, _ d: InteractionDraft) async throws {
        var errors: [FieldError] = []
        func found(_ sql: SQLQueryString) async throws -> Bool { try await session.first(sql) != nil }
        let active = true
        if try await !found("SELECT id FROM sales_projects WHERE id = \(bind: d.projectID.rawValue) AND active = \(bind: active)") {
            errors.append(FieldError("projectId", "unknown_reference"))
        }
        if let stage = d.stageID, try await !found("""
            SELECT id FROM sales_stages WHERE id = \(bind: stage.rawValue) AND project_id = \(bind: d.projectID.rawValue) AND active = \(bind: active)
            """) { errors.append(FieldError("stageId", "unknown_reference")) }
        // The stage's test is written only with a stage: PostgreSQL cannot type a bound NULL in `$1 IS NULL`.
        let ofStage: SQLQueryString = d.stageID.map { "AND g.stage_id = \(bind: $0.rawValue)" } ?? ""
        if let subgroup = d.subgroupID, try await !found("""
            SELECT g.id FROM sales_subgroups g JOIN sales_stages s ON s.id = g.stage_id
            WHERE g.id = \(bind: subgroup.rawValue) AND s.project_id = \(bind: d.projectID.rawValue) AND g.active = \(bind: active) \(ofStage)
            """) { errors.append(FieldError("subgroupId", "unknown_reference")) }
        if let product = d.productID, try await !found("""
            SELECT id FROM sales_products WHERE id = \(bind: product.rawValue) AND project_id = \(bind: d.projectID.rawValue) AND active = \(bind: active)
            """) { errors.append(FieldError("productId", "unknown_reference")) }
        if let channel = d.channelID, try await !found("SELECT id FROM sales_channels WHERE id = \(bind: channel.rawValue) AND active = \(bind: active)") {
            errors.append(FieldError("channelId", "unknown_reference"))
        }
        if let status = d.reservationStatusID, try await !found("""
            SELECT id FROM reservation_statuses WHERE id = \(bind: status.rawValue) AND active = \(bind: active)
            """) { errors.append(FieldError("reservationStatusId", "unknown_reference")) }
        if let responsible = d.responsibleID, try await !References.isActiveUser(session, responsible) {
            errors.append(FieldError("responsibleId", "unknown_reference"))
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}
