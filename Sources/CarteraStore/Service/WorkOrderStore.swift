import CarteraCore
import Foundation
import SQLKit
import Synchronization

/// Work orders: created on clients the user sees, read under rule 2 with the
/// creator as owner and the assignee as assignee; services move them through
/// their statuses, verification closes or reopens them. Every change is audited.
public struct WorkOrderStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func create(clientID: Client.ID, _ draft: WorkOrderDraft, by viewer: Viewer) async throws -> WorkOrder {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            return try await Self.insert(session, clientID: clientID, draft, ownerID: viewer.id, rule: nil, at: now)
        }
    }

    /// Writes the draft over a visible order at `expectedVersion`; a verified order is closed to edits.
    public func update(_ id: WorkOrder.ID, _ draft: WorkOrderDraft, expectedVersion: Int64, by viewer: Viewer) async throws -> WorkOrder {
        let draft = try draft.validated()
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.order(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            guard before.status != .verified, before.status != .cancelled else { throw ValidationFailure([FieldError("status", "order_closed")]) }
            try await Self.checkReferences(session, draft, clientID: before.clientID, orderID: id)
            try await session.run("""
                UPDATE work_orders SET (\(unsafeRaw: Self.editableColumns)) = (\(Self.values(session, draft))),
                    version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            try await Self.linkAssets(session, id, draft.assetIDs)
            try await Self.refreshSearchWords(session, id)
            return try await Self.audited(session, before, action: "update", by: viewer.id, at: now)
        }
    }

    /// Registers what was done on a visible order at `expectedVersion`: the first
    /// service starts it, one with `finishes` finishes it (and counts as a visit).
    public func registerService(_ id: WorkOrder.ID, detail: String, at: Date, finishes: Bool, expectedVersion: Int64,
                                by viewer: Viewer) async throws -> WorkOrder {
        let detail = try ServiceEntry.validatedDetail(detail)
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.order(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            guard let status = before.status.afterService(finishing: finishes) else {
                throw ValidationFailure([FieldError("status", "order_closed")])
            }
            try await session.run("""
                INSERT INTO service_entries (work_order_id, user_id, at, detail, finishes, created_by, created_at)
                VALUES (\(bind: id.rawValue), \(bind: viewer.id.rawValue), \(session.instant(at)), \(bind: detail), \(bind: finishes),
                        \(bind: viewer.id.rawValue), \(session.instant(now)))
                """)
            let finishedAt: SQLQueryString = finishes ? session.instant(at) : (status == .finished ? "finished_at" : "NULL")
            try await session.run("""
                UPDATE work_orders SET status = \(bind: status.rawValue), finished_at = \(finishedAt),
                    version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            if finishes { try await Visits.record(session, clientID: before.clientID, at: at) }
            try await Self.refreshSearchWords(session, id)
            return try await Self.audited(session, before, action: finishes ? "finish" : "service", by: viewer.id, at: now,
                                          extra: ["service": detail])
        }
    }

    /// Records the customer's verdict on a finished (or verified) order: closed
    /// makes it verified, otherwise it is reopened with the comments as the reason.
    public func verify(_ id: WorkOrder.ID, _ verdict: VerificationDraft, expectedVersion: Int64, by viewer: Viewer) async throws -> WorkOrder {
        guard viewer.can(.verifyOrders) else { throw StoreError.forbidden }
        let verdict = try verdict.validated()
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.order(session, id, visibleTo: viewer) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            guard let status = before.status.afterVerification(closed: verdict.closed) else {
                throw ValidationFailure([FieldError("status", "not_finished")])
            }
            try await session.run("""
                UPDATE work_orders SET status = \(bind: status.rawValue),
                    finished_at = \(unsafeRaw: status == .verified ? "finished_at" : "NULL"),
                    verified_at = \(session.instant(now)), verified_by = \(bind: viewer.id.rawValue),
                    rating = \(bind: verdict.rating), customer_comments = \(bind: verdict.comments),
                    version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            return try await Self.audited(session, before, action: verdict.closed ? "verify" : "reopen", by: viewer.id, at: now)
        }
    }

    public func order(_ id: WorkOrder.ID, by viewer: Viewer) async throws -> WorkOrder? {
        try await database.read { try await Self.order($0, id, visibleTo: viewer) }
    }

    /// "Consulta individual": the order with this number, if visible.
    public func order(number: Int64, by viewer: Viewer) async throws -> WorkOrder? {
        try await database.read { session in
            try await session.first("""
                SELECT o.* FROM work_orders o JOIN clients c ON c.id = o.client_id
                WHERE o.order_number = \(bind: number) AND \(Self.visible(session, viewer))
                """).map(Self.order)
        }
    }

    /// The services of a visible order, in the order they were done.
    public func services(of id: WorkOrder.ID, by viewer: Viewer) async throws -> [ServiceListing] {
        try await database.read { session in
            guard try await Self.order(session, id, visibleTo: viewer) != nil else { throw StoreError.notFound }
            return try await session.rows("""
                SELECT s.*, u.name AS user_name FROM service_entries s JOIN users u ON u.id = s.user_id
                WHERE s.work_order_id = \(bind: id.rawValue) ORDER BY s.at, s.id
                """).map { row in
                ServiceListing(entry: ServiceEntry(id: try row.id("id"), workOrderID: try row.id("work_order_id"),
                                                   userID: try row.id("user_id"), at: try row.instant("at"),
                                                   detail: try row.string("detail"), finishes: try row.bool("finishes")),
                               userName: try row.string("user_name"))
            }
        }
    }

    /// Every change of a visible order, newest first.
    public func history(of id: WorkOrder.ID, by viewer: Viewer) async throws -> [AuditEvent] {
        try await database.read { session in
            guard try await Self.order(session, id, visibleTo: viewer) != nil else { throw StoreError.notFound }
            return try await AuditLog.entityHistory(session, entity: "work_order", id: id.rawValue)
        }
    }

    public func list(_ query: WorkOrderQuery, by viewer: Viewer) async throws -> [WorkOrderListing] {
        try await database.read { session in
            let listings = try await session.rows("""
                \(Self.select(Self.orders(session, query))) WHERE \(Self.filter(session, query, viewer: viewer))
                ORDER BY \(Self.order(query)) LIMIT \(literal: query.limit) OFFSET \(literal: query.offset)
                """).map(Self.listing)
            let assets = try await Self.assetIDs(session, of: listings.map(\.order.id))
            return listings.map { $0.with(assets: assets[$0.order.id] ?? []) }
        }
    }

    /// How many orders the query matches (its limit and offset ignored).
    public func count(_ query: WorkOrderQuery, by viewer: Viewer) async throws -> Int {
        try await database.read { session in
            Int(try await session.first("""
                SELECT COUNT(*) AS n FROM work_orders o JOIN clients c ON c.id = o.client_id WHERE \(Self.filter(session, query, viewer: viewer))
                """)!.int("n"))
        }
    }

    /// Every order the query matches, streamed (downloads); the rows carry no asset ids (one query per row would be N+1).
    public func export(_ query: WorkOrderQuery, by viewer: Viewer, _ each: @escaping @Sendable (WorkOrderListing) -> Void) async throws {
        try await database.longRead { session in
            let failure = Mutex<(any Error)?>(nil)
            try await session.stream("""
                \(Self.select(Self.orders(session, query))) WHERE \(Self.filter(session, query, viewer: viewer)) ORDER BY \(Self.order(query))
                """) { row in
                do { each(try Self.listing(row)) } catch { failure.withLock { $0 = $0 ?? error } }
            }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }

    // MARK: Shared with the recurring rules

    /// Inserts an order with the next number, audited; `rule` ties it to an occurrence.
    static func insert(_ session: Session, clientID: Client.ID, _ draft: WorkOrderDraft, ownerID: User.ID,
                       rule: (id: RecurringOrderRule.ID, occurrence: Date)?, at now: Date) async throws -> WorkOrder {
        try await checkReferences(session, draft, clientID: clientID, orderID: nil)
        let number = try await Counters.next(session, "work_order")
        let ruleSQL: SQLQueryString = rule.map { "\(bind: $0.id.rawValue), \(session.instant($0.occurrence))" } ?? "NULL, NULL"
        let id: WorkOrder.ID = try await session.first("""
            INSERT INTO work_orders (order_number, client_id, owner_id, \(unsafeRaw: editableColumns), rule_id, occurrence_at,
                search_words, created_at, updated_at)
            VALUES (\(bind: number), \(bind: clientID.rawValue), \(bind: ownerID.rawValue), \(values(session, draft)), \(ruleSQL),
                    \(bind: searchWords(draft, services: [])), \(session.instant(now)), \(session.instant(now)))
            RETURNING id
            """)!.id("id")
        try await linkAssets(session, id, draft.assetIDs)
        let created = try await order(session, id, visibleTo: nil)!
        try await AuditLog.record(session, at: now, userID: rule == nil ? ownerID : nil, entity: "work_order", entityID: id.rawValue,
                                  clientID: clientID, action: "create", changes: AuditLog.diff([:], flatten(created)))
        return created
    }

    // MARK: SQL

    static let editableColumns = """
        contact_id, project_id, category_id, priority, assignee_id, appointment_at, appointment_zone, description, equipment_received
        """

    /// A listing's columns: `orders` (the work orders, as `o`) with their client's and the names they point to.
    static func select(_ orders: SQLQueryString) -> SQLQueryString {
        """
        SELECT o.*, c.client_number, c.legal_name, k.name AS contact_name, g.name AS category_name, u.name AS assignee_name,
            p.project_key
        FROM \(orders) JOIN clients c ON c.id = o.client_id LEFT JOIN users u ON u.id = o.assignee_id
        LEFT JOIN contacts k ON k.id = o.contact_id LEFT JOIN activity_categories g ON g.id = o.category_id
        LEFT JOIN projects p ON p.id = o.project_id
        """
    }

    /// The orders a listing reads. SQLite, which keeps no statistics here, would find every pending
    /// order by status and sort them all for each page (4–11 ms a page at a million clients); for the
    /// list of all pending orders it is told to read `work_orders_pending`, which holds them in the
    /// page's order. Not when a client, contact, project, rule, asset, number or words narrow the
    /// list: their own indexes find a few orders. PostgreSQL chooses that index itself.
    static func orders(_ session: Session, _ query: WorkOrderQuery) -> SQLQueryString {
        let narrowed = query.orderNumber != nil || query.clientID != nil || query.contactID != nil || query.projectID != nil
            || query.ruleID != nil || query.assetID != nil || query.concept != nil
        return session.kind == .sqlite && query.statuses == [.open, .inProgress] && !narrowed
            ? "work_orders o INDEXED BY work_orders_pending" : "work_orders o"
    }

    static func visible(_ session: Session, _ viewer: Viewer) -> SQLQueryString {
        OperationScope.of(viewer).predicate(session, owner: "o.owner_id", assignee: "o.assignee_id")
    }

    /// Pending orders by appointment (what is next, none last: `work_orders_pending`'s order); otherwise newest first.
    static func order(_ query: WorkOrderQuery) -> SQLQueryString {
        if !query.statuses.isEmpty, query.statuses.allSatisfy(\.isPending) {
            return "o.appointment_at IS NULL, o.appointment_at, o.order_number"
        }
        return "o.order_number DESC"
    }

    static func values(_ session: Session, _ d: WorkOrderDraft) -> SQLQueryString {
        let appointment: SQLQueryString = d.appointmentAt.map { session.instant($0) } ?? "NULL"
        return """
            \(bind: d.contactID?.rawValue), \(bind: d.projectID?.rawValue), \(bind: d.categoryID?.rawValue), \(bind: d.priority.rawValue),
            \(bind: d.assigneeID?.rawValue), \(appointment), \(bind: d.appointmentZone), \(bind: d.description),
            \(bind: d.equipmentReceived)
            """
    }

    static func filter(_ session: Session, _ query: WorkOrderQuery, viewer: Viewer) -> SQLQueryString {
        var parts: [SQLQueryString] = [visible(session, viewer)]
        if let number = query.orderNumber { parts.append("o.order_number = \(bind: number)") }
        if !query.statuses.isEmpty {
            let list = query.statuses.map(\.rawValue).sorted().map { "'\($0)'" }.joined(separator: ", ")
            parts.append("o.status IN (\(unsafeRaw: list))")
        }
        if let person = query.assignee.condition("o.assignee_id", viewer: viewer) { parts.append(person) }
        if let client = query.clientID { parts.append("o.client_id = \(bind: client.rawValue)") }
        if let contact = query.contactID { parts.append("o.contact_id = \(bind: contact.rawValue)") }
        if let project = query.projectID { parts.append("o.project_id = \(bind: project.rawValue)") }
        if let category = query.categoryID { parts.append("o.category_id = \(bind: category.rawValue)") }
        if let rule = query.ruleID { parts.append("o.rule_id = \(bind: rule.rawValue)") }
        if let asset = query.assetID {
            parts.append("o.id IN (SELECT work_order_id FROM work_order_assets WHERE asset_id = \(bind: asset.rawValue))")
        }
        if let from = query.createdFrom { parts.append("o.created_at >= \(session.instant(from))") }
        if let to = query.createdTo { parts.append("o.created_at < \(session.instant(to))") }
        if let from = query.finishedFrom { parts.append("o.finished_at >= \(session.instant(from))") }
        if let to = query.finishedTo { parts.append("o.finished_at < \(session.instant(to))") }
        if let from = query.appointmentFrom { parts.append("o.appointment_at >= \(session.instant(from))") }
        if let to = query.appointmentTo { parts.append("o.appointment_at < \(session.instant(to))") }
        if let concept = query.concept.map({ Normalization.queryWords($0) }), !concept.isEmpty {
            parts.append(WordSearch.match(session, concept, alias: "o", fts: "work_order_words"))
        }
        return parts.joined(separator: " AND ")
    }

    static func searchWords(_ d: WorkOrderDraft, services: [String]) -> String {
        Normalization.searchKey(([d.description, d.equipmentReceived ?? ""] + services).joined(separator: " "))
    }

    static func refreshSearchWords(_ session: Session, _ id: WorkOrder.ID) async throws {
        let order = try await order(session, id, visibleTo: nil)!
        let services = try await session.rows("SELECT detail FROM service_entries WHERE work_order_id = \(bind: id.rawValue)")
            .map { try $0.string("detail") }
        try await session.run("""
            UPDATE work_orders SET search_words = \(bind: searchWords(order.draft, services: services)) WHERE id = \(bind: id.rawValue)
            """)
    }

    /// One order, if `viewer` may see it (nil: no check, for re-reads after a checked write).
    static func order(_ session: Session, _ id: WorkOrder.ID, visibleTo viewer: Viewer?) async throws -> WorkOrder? {
        let predicate: SQLQueryString = viewer.map { visible(session, $0) } ?? "1 = 1"
        guard let found = try await session.first("""
            SELECT o.* FROM work_orders o JOIN clients c ON c.id = o.client_id WHERE o.id = \(bind: id.rawValue) AND \(predicate)
            """).map(order) else { return nil }
        return found.with(assets: try await assetIDs(session, of: [id])[id] ?? [])
    }

    /// The assets of these orders, in one query.
    static func assetIDs(_ session: Session, of orders: [WorkOrder.ID]) async throws -> [WorkOrder.ID: [Asset.ID]] {
        guard !orders.isEmpty else { return [:] }
        var out: [WorkOrder.ID: [Asset.ID]] = [:]
        for row in try await session.rows("""
            SELECT work_order_id, asset_id FROM work_order_assets WHERE work_order_id IN \(session.inList(orders)) ORDER BY asset_id
            """) {
            out[try row.id("work_order_id"), default: []].append(try row.id("asset_id"))
        }
        return out
    }

    /// Replaces the order's assets.
    static func linkAssets(_ session: Session, _ id: WorkOrder.ID, _ assets: [Asset.ID]) async throws {
        try await session.run("DELETE FROM work_order_assets WHERE work_order_id = \(bind: id.rawValue)")
        for asset in assets {
            try await session.run("INSERT INTO work_order_assets (work_order_id, asset_id) VALUES (\(bind: id.rawValue), \(bind: asset.rawValue))")
        }
    }

    /// Re-reads the order after a write and records the change.
    static func audited(_ session: Session, _ before: WorkOrder, action: String, by userID: User.ID, at now: Date,
                        extra: [String: String] = [:]) async throws -> WorkOrder {
        let after = try await order(session, before.id, visibleTo: nil)!
        try await AuditLog.record(session, at: now, userID: userID, entity: "work_order", entityID: before.id.rawValue,
                                  clientID: before.clientID, action: action,
                                  changes: AuditLog.diff(flatten(before), flatten(after).merging(extra) { $1 }))
        return after
    }

    /// The assignee must be an active user; contact, project and assets must be the client's (assets not archived,
    /// unless `orderID` already names them); the category must exist.
    static func checkReferences(_ session: Session, _ d: WorkOrderDraft, clientID: Client.ID, orderID: WorkOrder.ID?) async throws {
        var errors: [FieldError] = []
        if let assignee = d.assigneeID, try await !References.isActiveUser(session, assignee) {
            errors.append(FieldError("assigneeId", "unknown_reference"))
        }
        if let contact = d.contactID, try await !References.isContact(session, contact, of: clientID) {
            errors.append(FieldError("contactId", "unknown_reference"))
        }
        if let category = d.categoryID, try await session.first("""
            SELECT id FROM activity_categories WHERE id = \(bind: category.rawValue)
            """) == nil { errors.append(FieldError("categoryId", "unknown_reference")) }
        if let project = d.projectID, try await session.first("""
            SELECT id FROM projects WHERE id = \(bind: project.rawValue) AND client_id = \(bind: clientID.rawValue)
            """) == nil { errors.append(FieldError("projectId", "unknown_reference")) }
        if !d.assetIDs.isEmpty {
            let kept: SQLQueryString = orderID.map {
                "OR id IN (SELECT asset_id FROM work_order_assets WHERE work_order_id = \(bind: $0.rawValue))"
            } ?? ""
            let found = try await session.first("""
                SELECT COUNT(*) AS n FROM assets WHERE id IN \(session.inList(d.assetIDs)) AND client_id = \(bind: clientID.rawValue)
                    AND (archived = \(session.literal(false)) \(kept))
                """)!.int("n")
            if found != d.assetIDs.count { errors.append(FieldError("assetIds", "unknown_reference")) }
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    static func order(_ row: Row) throws -> WorkOrder {
        let draft = WorkOrderDraft(
            contactID: try row.optID("contact_id"), projectID: try row.optID("project_id"), categoryID: try row.optID("category_id"),
            priority: WorkOrder.Priority(rawValue: try row.string("priority")) ?? .normal, assigneeID: try row.optID("assignee_id"),
            appointmentAt: try row.optInstant("appointment_at"), appointmentZone: try row.optString("appointment_zone"),
            description: try row.string("description"), equipmentReceived: try row.optString("equipment_received"))
        let verification = try row.optInstant("verified_at").map { at in
            WorkOrder.Verification(comments: try row.optString("customer_comments"), rating: try row.optInt("rating").map(Int.init),
                                   at: at, byID: try row.id("verified_by"))
        }
        return WorkOrder(id: try row.id("id"), orderNumber: try row.int("order_number"), clientID: try row.id("client_id"),
                         draft: draft, ownerID: try row.id("owner_id"),
                         status: WorkOrder.Status(rawValue: try row.string("status")) ?? .open,
                         finishedAt: try row.optInstant("finished_at"), verification: verification, ruleID: try row.optID("rule_id"),
                         version: try row.int("version"), createdAt: try row.instant("created_at"))
    }

    static func listing(_ row: Row) throws -> WorkOrderListing {
        WorkOrderListing(order: try order(row), clientNumber: try row.int("client_number"), clientName: try row.string("legal_name"),
                         contactName: try row.optString("contact_name"), categoryName: try row.optString("category_name"),
                         assigneeName: try row.optString("assignee_name"), projectKey: try row.optInt("project_key"))
    }

    static func flatten(_ o: WorkOrder) -> [String: String] {
        let d = o.draft
        var out = ["description": d.description, "priority": d.priority.rawValue, "status": o.status.rawValue]
        out["contactId"] = d.contactID?.description
        out["projectId"] = d.projectID?.description
        out["categoryId"] = d.categoryID?.description
        out["assigneeId"] = d.assigneeID?.description
        out["appointmentAt"] = d.appointmentAt.map { ISO8601DateFormatter().string(from: $0) }
        out["equipmentReceived"] = d.equipmentReceived
        out["rating"] = o.verification?.rating.map(String.init)
        out["customerComments"] = o.verification?.comments
        if !d.assetIDs.isEmpty { out["assetIds"] = d.assetIDs.map(\.description).joined(separator: ", ") }
        return out
    }
}
