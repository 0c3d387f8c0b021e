import CarteraCore
import Foundation
import SQLKit

/// Recurring work orders: rules on clients (visible with their client, rule 1),
/// materialised as orders up to `horizon` ahead. An order is made once per
/// occurrence (a unique index backs the check); editing or ending a rule
/// changes only its future orders that nobody has started.
public struct RecurringOrderStore: Sendable {
    let database: Database
    let clock: Clock
    /// How far ahead orders exist.
    public let horizon: TimeInterval

    public init(database: Database, clock: Clock, horizon: TimeInterval = 30 * 86_400) {
        self.database = database; self.clock = clock; self.horizon = horizon
    }

    /// Creates the rule and, in the same transaction, its orders up to the horizon.
    public func create(clientID: Client.ID, _ draft: RecurringOrderDraft, by viewer: Viewer) async throws -> RecurringOrderRule {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            try await WorkOrderStore.checkReferences(session, draft.template, clientID: clientID, orderID: nil)
            let id: RecurringOrderRule.ID = try await session.first("""
                INSERT INTO recurring_order_rules (client_id, owner_id, \(unsafeRaw: Self.editableColumns), created_at, updated_at)
                VALUES (\(bind: clientID.rawValue), \(bind: viewer.id.rawValue), \(Self.values(session, draft)),
                        \(session.instant(now)), \(session.instant(now)))
                RETURNING id
                """)!.id("id")
            let rule = try await Self.rule(session, id, scope: .all)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "recurring_order_rule", entityID: id.rawValue,
                                      clientID: clientID, action: "create", changes: AuditLog.diff([:], Self.flatten(rule)))
            try await Self.materialise(session, rule, from: now, through: now.addingTimeInterval(horizon), at: now)
            return rule
        }
    }

    /// Rewrites the rule; its future unstarted orders follow (kept, changed or cancelled), the rest stay as they are.
    public func update(_ id: RecurringOrderRule.ID, _ draft: RecurringOrderDraft, expectedVersion: Int64,
                       by viewer: Viewer) async throws -> RecurringOrderRule {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.rule(session, id, scope: .of(viewer)) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            guard !before.ended else { throw ValidationFailure([FieldError("rule", "rule_ended")]) }
            try await WorkOrderStore.checkReferences(session, draft.template, clientID: before.clientID, orderID: nil)
            try await session.run("""
                UPDATE recurring_order_rules SET (\(unsafeRaw: Self.editableColumns)) = (\(Self.values(session, draft))),
                    version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            let after = try await Self.rule(session, id, scope: .all)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "recurring_order_rule", entityID: id.rawValue,
                                      clientID: before.clientID, action: "update",
                                      changes: AuditLog.diff(Self.flatten(before), Self.flatten(after)))
            let through = now.addingTimeInterval(horizon)
            let keep = Set(after.draft.recurrence?.occurrences(through: through, limit: 100_000).filter { $0 > now } ?? [])
            try await Self.reconcileFuture(session, after, keeping: keep, at: now, by: viewer.id)
            try await Self.materialise(session, after, from: now, through: through, at: now)
            return after
        }
    }

    /// Ends the rule: no more orders; its future unstarted ones are cancelled.
    public func end(_ id: RecurringOrderRule.ID, expectedVersion: Int64, by viewer: Viewer) async throws -> RecurringOrderRule {
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.rule(session, id, scope: .of(viewer)) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            guard !before.ended else { return before }
            try await session.run("""
                UPDATE recurring_order_rules SET ended = \(session.literal(true)), version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            let after = try await Self.rule(session, id, scope: .all)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "recurring_order_rule", entityID: id.rawValue,
                                      clientID: before.clientID, action: "end", changes: AuditLog.diff(Self.flatten(before), Self.flatten(after)))
            try await Self.reconcileFuture(session, after, keeping: [], at: now, by: viewer.id)
            return after
        }
    }

    public func rule(_ id: RecurringOrderRule.ID, by viewer: Viewer) async throws -> RecurringOrderRule? {
        try await database.read { try await Self.rule($0, id, scope: .of(viewer)) }
    }

    /// A client's rules, active ones first.
    public func rules(of clientID: Client.ID, by viewer: Viewer) async throws -> [RecurringOrderRule] {
        try await database.read { session in
            try await session.rows("""
                SELECT r.* FROM recurring_order_rules r JOIN clients c ON c.id = r.client_id
                WHERE r.client_id = \(bind: clientID.rawValue) AND \(ClientScope.of(viewer).predicate(session))
                ORDER BY r.ended, r.id
                """).map(Self.rule)
        }
    }

    /// The job's pass: every active rule with an occurrence not yet made up to
    /// the horizon gets its missing orders, one rule per transaction. A rule with
    /// nothing new is left alone, with no transaction: the horizon moves every
    /// hour, and writing every rule each time (5,000 transactions at a million
    /// clients) is what this pass did before. On PostgreSQL a rule another
    /// instance is working on is skipped (`FOR UPDATE SKIP LOCKED`).
    /// Returns the number of orders made.
    @discardableResult
    public func materialiseDue() async throws -> Int {
        let now = clock.now()
        let through = now.addingTimeInterval(horizon)
        let due = try await database.read { session in
            try await session.rows("""
                SELECT * FROM recurring_order_rules
                WHERE ended = \(session.literal(false)) AND (materialised_through IS NULL OR materialised_through < \(session.instant(through)))
                ORDER BY id
                """).compactMap { row -> RecurringOrderRule.ID? in
                let from = try row.optInstant("materialised_through") ?? row.instant("created_at")
                let occurrences = try Self.rule(row).draft.recurrence?.occurrences(through: through, limit: 100_000) ?? []
                return occurrences.contains { $0 > from } ? try row.id("id") : nil
            }
        }
        var made = 0
        for id in due {
            made += try await database.write { session -> Int in
                let lock: SQLQueryString = session.kind == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
                guard let row = try await session.first("""
                    SELECT * FROM recurring_order_rules WHERE id = \(bind: id.rawValue) AND ended = \(session.literal(false)) \(lock)
                    """) else { return 0 }
                let rule = try Self.rule(row)
                let from = try row.optInstant("materialised_through") ?? row.instant("created_at")
                guard from < through else { return 0 }
                return try await Self.materialise(session, rule, from: from, through: through, at: now)
            }
        }
        return made
    }

    // MARK: SQL

    static let editableColumns = """
        rule, start_date, start_time, time_zone, exception_dates, contact_id, category_id, priority, assignee_id, description, asset_ids
        """

    static func values(_ session: Session, _ d: RecurringOrderDraft) -> SQLQueryString {
        let exceptions = String(decoding: try! JSONEncoder().encode(d.exceptionDates), as: UTF8.self)
        let t = d.template
        let assets = String(decoding: try! JSONEncoder().encode(t.assetIDs.map(\.rawValue)), as: UTF8.self)
        return """
            \(bind: d.rule), \(bind: d.startDate), \(bind: d.startTime), \(bind: d.timeZone), \(session.json(exceptions)),
            \(bind: t.contactID?.rawValue), \(bind: t.categoryID?.rawValue), \(bind: t.priority.rawValue),
            \(bind: t.assigneeID?.rawValue), \(bind: t.description), \(session.json(assets))
            """
    }

    /// Makes the orders of occurrences in `(from, through]` that have none yet; returns how many.
    @discardableResult
    static func materialise(_ session: Session, _ rule: RecurringOrderRule, from: Date, through: Date, at now: Date) async throws -> Int {
        guard !rule.ended, let recurrence = rule.draft.recurrence else { return 0 }
        // An archived client gets no new visits; restoring it lets the next pass catch up.
        guard try await session.first("""
            SELECT id FROM clients WHERE id = \(bind: rule.clientID.rawValue) AND archived = \(session.literal(false))
            """) != nil else { return 0 }
        let owner: User.ID = try await session.first("SELECT owner_id FROM recurring_order_rules WHERE id = \(bind: rule.id.rawValue)")!.id("owner_id")
        let existing = Set(try await session.rows("""
            SELECT occurrence_at FROM work_orders WHERE rule_id = \(bind: rule.id.rawValue) AND occurrence_at > \(session.instant(from))
            """).map { try $0.instant("occurrence_at") })
        let usable = try await usableTemplate(session, rule)
        var made = 0
        for occurrence in recurrence.occurrences(through: through, limit: 100_000) where occurrence > from && !existing.contains(occurrence) {
            _ = try await WorkOrderStore.insert(session, clientID: rule.clientID, order(of: usable, at: occurrence), ownerID: owner,
                                                rule: (rule.id, occurrence), at: now)
            made += 1
        }
        try await session.run("""
            UPDATE recurring_order_rules SET materialised_through = \(session.instant(through)) WHERE id = \(bind: rule.id.rawValue)
            """)
        return made
    }

    /// The rule as it can still make orders: an assignee who left and archived assets are dropped
    /// (the order goes out unassigned) rather than stopping the rule.
    static func usableTemplate(_ session: Session, _ rule: RecurringOrderRule) async throws -> RecurringOrderRule {
        var draft = rule.draft
        if let assignee = draft.template.assigneeID, try await !References.isActiveUser(session, assignee) {
            draft.template.assigneeID = nil
        }
        if !draft.template.assetIDs.isEmpty {
            draft.template.assetIDs = try await session.rows("""
                SELECT id FROM assets WHERE id IN \(session.inList(draft.template.assetIDs)) AND client_id = \(bind: rule.clientID.rawValue)
                    AND archived = \(session.literal(false)) ORDER BY id
                """).map { try $0.id("id") }
        }
        return RecurringOrderRule(id: rule.id, clientID: rule.clientID, draft: draft, ended: rule.ended, version: rule.version)
    }

    /// The rule's template as the order of one occurrence.
    static func order(of rule: RecurringOrderRule, at occurrence: Date) -> WorkOrderDraft {
        var draft = rule.draft.template
        draft.appointmentAt = occurrence
        draft.appointmentZone = rule.draft.timeZone
        return draft
    }

    /// Future orders of the rule that nobody started (open, no service): those at an
    /// occurrence in `keeping` take the rule's new template, the others are cancelled
    /// (and let go of their occurrence, so a later edit may bring it back).
    static func reconcileFuture(_ session: Session, _ rule: RecurringOrderRule, keeping: Set<Date>, at now: Date,
                                by userID: User.ID) async throws {
        let future = try await session.rows("""
            SELECT o.* FROM work_orders o
            WHERE o.rule_id = \(bind: rule.id.rawValue) AND o.status = 'open' AND o.occurrence_at > \(session.instant(now))
              AND NOT EXISTS (SELECT 1 FROM service_entries s WHERE s.work_order_id = o.id)
            """).map(WorkOrderStore.order)
        let assets = try await WorkOrderStore.assetIDs(session, of: future.map(\.id))
        for before in future.map({ $0.with(assets: assets[$0.id] ?? []) }) {
            guard let occurrence = before.draft.appointmentAt else { continue }
            if keeping.contains(occurrence) {
                let draft = order(of: rule, at: occurrence)
                guard draft != before.draft else { continue }
                try await session.run("""
                    UPDATE work_orders SET (\(unsafeRaw: WorkOrderStore.editableColumns)) = (\(WorkOrderStore.values(session, draft))),
                        version = version + 1, updated_at = \(session.instant(now))
                    WHERE id = \(bind: before.id.rawValue)
                    """)
                try await WorkOrderStore.linkAssets(session, before.id, draft.assetIDs)
                try await WorkOrderStore.refreshSearchWords(session, before.id)
                _ = try await WorkOrderStore.audited(session, before, action: "update", by: userID, at: now)
            } else {
                try await session.run("""
                    UPDATE work_orders SET status = 'cancelled', occurrence_at = NULL, version = version + 1,
                        updated_at = \(session.instant(now))
                    WHERE id = \(bind: before.id.rawValue)
                    """)
                _ = try await WorkOrderStore.audited(session, before, action: "cancel", by: userID, at: now)
            }
        }
    }

    static func rule(_ session: Session, _ id: RecurringOrderRule.ID, scope: ClientScope) async throws -> RecurringOrderRule? {
        try await session.first("""
            SELECT r.* FROM recurring_order_rules r JOIN clients c ON c.id = r.client_id
            WHERE r.id = \(bind: id.rawValue) AND \(scope.predicate(session))
            """).map(rule)
    }

    static func rule(_ row: Row) throws -> RecurringOrderRule {
        let template = WorkOrderDraft(contactID: try row.optID("contact_id"), categoryID: try row.optID("category_id"),
                                      priority: WorkOrder.Priority(rawValue: try row.string("priority")) ?? .normal,
                                      assigneeID: try row.optID("assignee_id"), description: try row.string("description"),
                                      assetIDs: try row.json("asset_ids", as: [Int64].self).map(Asset.ID.init))
        let draft = RecurringOrderDraft(rule: try row.string("rule"), startDate: try row.string("start_date"),
                                        startTime: try row.string("start_time"), timeZone: try row.string("time_zone"),
                                        exceptionDates: try row.json("exception_dates", as: [String].self), template: template)
        return RecurringOrderRule(id: try row.id("id"), clientID: try row.id("client_id"), draft: draft,
                                  ended: try row.bool("ended"), version: try row.int("version"))
    }

    static func flatten(_ r: RecurringOrderRule) -> [String: String] {
        let d = r.draft, t = d.template
        var out = ["rule": d.rule, "start": "\(d.startDate) \(d.startTime)", "timeZone": d.timeZone,
                   "description": t.description, "priority": t.priority.rawValue, "ended": r.ended ? "true" : "false"]
        if !d.exceptionDates.isEmpty { out["exceptionDates"] = d.exceptionDates.joined(separator: ", ") }
        out["contactId"] = t.contactID?.description
        out["categoryId"] = t.categoryID?.description
        out["assigneeId"] = t.assigneeID?.description
        if !t.assetIDs.isEmpty { out["assetIds"] = t.assetIDs.map(\.description).joined(separator: ", ") }
        return out
    }
}
