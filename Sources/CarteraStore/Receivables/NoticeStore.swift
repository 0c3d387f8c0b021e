import CarteraCore
import Foundation
import SQLKit

/// A notice as the client card lists it: which invoice, which concept, and how its message went.
public struct NoticeListing: Sendable, Hashable {
    public let invoiceNumber: String
    public let conceptDescription: String
    public let createdAt: Date
    public let status: OutboxMessage.Status?
    public let reason: String?
}

/// Notice concepts, each client's notice settings, and the daily pass that
/// writes the notices due: once per invoice and concept (a primary key says so),
/// from the client's collector's account (the company's when there is none).
public struct NoticeStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    // MARK: Concepts

    public func concepts() async throws -> [NoticeConcept] {
        try await database.read { try await $0.rows("""
            SELECT * FROM notice_concepts ORDER BY CASE kind WHEN 'before_due' THEN 0 ELSE 1 END, days, id
            """).map(Self.concept) }
    }

    public func saveConcept(_ id: NoticeConcept.ID?, description: String, days: Int, kind: NoticeConcept.Kind, active: Bool,
                            expectedVersion: Int64?, by viewer: Viewer) async throws -> NoticeConcept {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        var v = Validator()
        let description = v.text("description", description, required: true, maxLength: 200) ?? ""
        if !(0...365).contains(days) { v.add("days", "out_of_range", ["0", "365"]) }
        try v.check()
        let now = clock.now()
        return try await database.write { session in
            let saved: NoticeConcept.ID
            if let id {
                guard let before = try await session.first("SELECT * FROM notice_concepts WHERE id = \(bind: id.rawValue)").map(Self.concept) else {
                    throw StoreError.notFound
                }
                guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
                try await session.run("""
                    UPDATE notice_concepts SET description = \(bind: description), days = \(bind: days), kind = \(bind: kind.rawValue),
                        active = \(bind: active), version = version + 1 WHERE id = \(bind: id.rawValue)
                    """)
                saved = id
            } else {
                saved = try await session.first("""
                    INSERT INTO notice_concepts (description, days, kind, active) VALUES (\(bind: description), \(bind: days), \(bind: kind.rawValue),
                        \(bind: active)) RETURNING id
                    """)!.id("id")
            }
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "notice_concept", entityID: saved.rawValue, clientID: nil,
                                      action: id == nil ? "create" : "update",
                                      changes: [AuditChange(field: "concept", before: nil, after: "\(description) · \(days) · \(kind.rawValue)")])
            return try await session.first("SELECT * FROM notice_concepts WHERE id = \(bind: saved.rawValue)").map(Self.concept)!
        }
    }

    // MARK: A client's settings

    /// The client's settings (inactive defaults when never saved); nil outside the viewer's scope.
    public func settings(clientID: Client.ID, by viewer: Viewer) async throws -> NoticeSettings? {
        try await database.read { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { return nil }
            return try await Self.settings(session, clientID) ?? NoticeSettings()
        }
    }

    /// Needs `edit_clients`; concepts must be of the right kind, contacts the client's own.
    public func saveSettings(clientID: Client.ID, _ settings: NoticeSettings, by viewer: Viewer) async throws -> NoticeSettings {
        guard viewer.can(.editClients) else { throw StoreError.forbidden }
        let s = try settings.validated()
        let now = clock.now()
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            let before = try await Self.settings(session, clientID)
            guard (before?.version ?? 0) == s.version else { throw StoreError.versionConflict(current: before?.version ?? 0) }
            let concepts = try await session.rows("SELECT * FROM notice_concepts").map(Self.concept)
            var errors: [FieldError] = []
            if let id = s.reminderConceptID, concepts.first(where: { $0.id == id })?.kind != .beforeDue {
                errors.append(FieldError("reminderConceptId", "unknown_reference"))
            }
            if let id = s.afterDueConceptID, concepts.first(where: { $0.id == id })?.kind != .afterDue {
                errors.append(FieldError("afterDueConceptId", "unknown_reference"))
            }
            for contact in s.contactIDs where try await !References.isContact(session, contact, of: clientID) {
                errors.append(FieldError("contactIds", "unknown_reference")); break
            }
            if !errors.isEmpty { throw ValidationFailure(errors) }
            let contacts = String(decoding: try JSONEncoder().encode(s.contactIDs.map(\.rawValue)), as: UTF8.self)
            let values: SQLQueryString = """
                \(bind: s.active), \(bind: s.subject), \(session.json(contacts)), \(bind: s.reminderConceptID?.rawValue), \
                \(bind: s.afterDueEnabled), \(bind: s.afterDueConceptID?.rawValue), \(bind: s.reminderBody), \(bind: s.afterDueBody), \
                \(bind: s.consolidated)
                """
            if before == nil {
                try await session.run("""
                    INSERT INTO client_notice_settings (client_id, active, subject, contact_ids, reminder_concept_id, after_due_enabled,
                        after_due_concept_id, reminder_body, after_due_body, consolidated, updated_at)
                    VALUES (\(bind: clientID.rawValue), \(values), \(session.instant(now)))
                    """)
            } else {
                try await session.run("""
                    UPDATE client_notice_settings SET (active, subject, contact_ids, reminder_concept_id, after_due_enabled, after_due_concept_id,
                        reminder_body, after_due_body, consolidated) = (\(values)), version = version + 1, updated_at = \(session.instant(now))
                    WHERE client_id = \(bind: clientID.rawValue)
                    """)
            }
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "notice_settings", entityID: clientID.rawValue,
                                      clientID: clientID, action: "update",
                                      changes: AuditLog.diff(before.map(Self.flatten) ?? [:], Self.flatten(s)))
            return try await Self.settings(session, clientID)!
        }
    }

    /// The client's notices, newest first, with how their messages went.
    public func notices(clientID: Client.ID, by viewer: Viewer, limit: Int = 50) async throws -> [NoticeListing] {
        try await database.read { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { return [] }
            return try await session.rows("""
                SELECT r.number, k.description, n.created_at, m.status, m.last_error FROM receivable_notices n
                JOIN receivables r ON r.id = n.receivable_id JOIN notice_concepts k ON k.id = n.concept_id
                LEFT JOIN outbox_messages m ON m.id = n.outbox_message_id
                WHERE r.client_id = \(bind: clientID.rawValue) ORDER BY n.created_at DESC, r.number LIMIT \(literal: limit)
                """).map { row in
                NoticeListing(invoiceNumber: try row.string("number"), conceptDescription: try row.string("description"),
                              createdAt: try row.instant("created_at"),
                              status: try row.optString("status").flatMap(OutboxMessage.Status.init), reason: try row.optString("last_error"))
            }
        }
    }

    // MARK: The daily pass

    /// Writes every notice due today (the company's date): for each open invoice of a client with
    /// active settings, its reminder concept from `days` before the due date until the due date,
    /// and its after-due concept from `days` after on; each invoice and concept once. Clients without
    /// an e-mail get nothing yet (noticed once they have one). Returns the number of messages queued.
    @discardableResult
    public func queueDue() async throws -> Int {
        let now = clock.now()
        return try await database.write { session in
            guard let company = try await session.first("SELECT locale, time_zone FROM company") else { return 0 }
            let language = Language(rawValue: try company.string("locale")) ?? .es
            let zone = TimeZone(identifier: try company.string("time_zone")) ?? .gmt
            let today = LocalDateTime.day(now, timeZone: zone)
            let concepts = Dictionary(uniqueKeysWithValues: try await session.rows("SELECT * FROM notice_concepts WHERE active = \(session.literal(true))")
                .map(Self.concept).map { ($0.id, $0) })
            let horizon = today.adding(days: concepts.values.filter { $0.kind == .beforeDue }.map(\.days).max() ?? 0)
            let lock: SQLQueryString = session.kind == .postgres ? "FOR UPDATE OF r SKIP LOCKED" : ""
            let rows = try await session.rows("""
                SELECT r.* FROM receivables r JOIN client_notice_settings s ON s.client_id = r.client_id
                JOIN clients c ON c.id = r.client_id
                WHERE s.active = \(session.literal(true)) AND c.archived = \(session.literal(false)) AND r.paid = \(session.literal(false)) AND r.balance_minor > 0
                    AND r.due_date <= \(bind: horizon.description)
                ORDER BY r.client_id, r.due_date, r.id \(lock)
                """)
            let invoices = Dictionary(grouping: try rows.map(ReceivableStore.receivable), by: \.clientID)
            var queued = 0
            for (clientID, open) in invoices.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                guard let settings = try await Self.settings(session, clientID),
                      let client = try await ClientStore.client(session, clientID, scope: .all) else { continue }
                let recipients = try await Self.recipients(session, client, settings)
                guard !recipients.isEmpty else { continue }
                let plan: [(NoticeConcept.ID?, String)] = [(settings.reminderConceptID, settings.reminderBody),
                                                           (settings.afterDueEnabled ? settings.afterDueConceptID : nil, settings.afterDueBody)]
                for case let (conceptID?, body) in plan {
                    guard let concept = concepts[conceptID] else { continue }
                    var due: [Receivable] = []
                    for invoice in open where concept.applies(due: invoice.draft.dueDate, today: today) {
                        // The primary key keeps an invoice from being noticed twice for a concept, whoever runs this.
                        let claimed = try await session.rows("""
                            INSERT INTO receivable_notices (receivable_id, concept_id, created_at)
                            VALUES (\(bind: invoice.id.rawValue), \(bind: concept.id.rawValue), \(session.instant(now)))
                            ON CONFLICT (receivable_id, concept_id) DO NOTHING RETURNING receivable_id
                            """)
                        if !claimed.isEmpty { due.append(invoice) }
                    }
                    let messages = settings.consolidated ? (due.isEmpty ? [] : [due]) : due.map { [$0] }
                    for group in messages {
                        let values = Self.values(client, group, concept, language)
                        let draft = OutboxDraft(kind: "receivable_notice", dedupeKey: "notice:\(concept.id):" + group.map(\.id.description).joined(separator: ","),
                                                senderUserID: client.draft.collectorID, recipients: recipients,
                                                subject: NoticeText.render(settings.subject, values), text: NoticeText.render(body, values),
                                                clientID: clientID)
                        guard let message = try await OutboxStore.enqueue(session, draft, at: now) else { continue }
                        try await session.run("""
                            UPDATE receivable_notices SET outbox_message_id = \(bind: message.rawValue)
                            WHERE concept_id = \(bind: concept.id.rawValue) AND receivable_id IN \(session.inList(group.map(\.id)))
                            """)
                        queued += 1
                    }
                }
            }
            return queued
        }
    }

    /// The client's e-mails, and the chosen contacts' when settings say so.
    static func recipients(_ session: Session, _ client: Client, _ settings: NoticeSettings) async throws -> [OutboxDraft.Recipient] {
        var out = client.draft.emails.map { OutboxDraft.Recipient($0, name: client.draft.legalName) }
        if !settings.contactIDs.isEmpty {
            for row in try await session.rows("""
                SELECT name, email FROM contacts WHERE client_id = \(bind: client.id.rawValue) AND id IN \(session.inList(settings.contactIDs))
                    AND email IS NOT NULL
                """) {
                out.append(.init(try row.string("email"), name: try row.string("name")))
            }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0.address.lowercased()).inserted }
    }

    /// The placeholders' values: one invoice's, or the list of several.
    static func values(_ client: Client, _ invoices: [Receivable], _ concept: NoticeConcept, _ language: Language) -> [String: String] {
        let first = invoices[0].draft
        return [
            "client": client.draft.legalName, "invoice": first.number, "issue_date": first.issueDate.formatted(language),
            "due_date": first.dueDate.formatted(language), "amount": first.amount.labelled(language),
            "balance": first.balance.labelled(language), "days": String(concept.days),
            "invoices": invoices.map { "- \($0.draft.number) · \($0.draft.dueDate.formatted(language)) · \($0.draft.balance.labelled(language))" }
                .joined(separator: "\n"),
        ]
    }

    static func settings(_ session: Session, _ clientID: Client.ID) async throws -> NoticeSettings? {
        try await session.first("SELECT * FROM client_notice_settings WHERE client_id = \(bind: clientID.rawValue)").map { row in
            NoticeSettings(active: try row.bool("active"), subject: try row.string("subject"),
                           contactIDs: try row.json("contact_ids", as: [Int64].self).map(Contact.ID.init),
                           reminderConceptID: try row.optID("reminder_concept_id"), afterDueEnabled: try row.bool("after_due_enabled"),
                           afterDueConceptID: try row.optID("after_due_concept_id"), reminderBody: try row.string("reminder_body"),
                           afterDueBody: try row.string("after_due_body"), consolidated: try row.bool("consolidated"),
                           version: try row.int("version"))
        }
    }

    static func concept(_ row: Row) throws -> NoticeConcept {
        NoticeConcept(id: try row.id("id"), description: try row.string("description"), days: Int(try row.int("days")),
                      kind: NoticeConcept.Kind(rawValue: try row.string("kind")) ?? .beforeDue, active: try row.bool("active"),
                      version: try row.int("version"))
    }

    static func flatten(_ s: NoticeSettings) -> [String: String] {
        ["active": "\(s.active)", "subject": s.subject, "contactIds": s.contactIDs.map(\.description).joined(separator: ","),
         "reminderConceptId": s.reminderConceptID?.description ?? "", "afterDueEnabled": "\(s.afterDueEnabled)",
         "afterDueConceptId": s.afterDueConceptID?.description ?? "", "reminderBody": s.reminderBody, "afterDueBody": s.afterDueBody,
         "consolidated": "\(s.consolidated)"]
    }
}
