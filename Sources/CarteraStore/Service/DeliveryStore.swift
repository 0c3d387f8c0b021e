import CarteraCore
import Foundation
import SQLKit
import Synchronization

/// A delivery as lists show it.
public struct DeliveryListing: Sendable, Hashable {
    public let delivery: Delivery
    public let clientNumber: Int64
    public let clientName: String
}

/// Which deliveries a list asks for; the viewer's client scope always applies.
public struct DeliveryQuery: Sendable, Hashable {
    public var clientID: Client.ID?
    public var status: Delivery.Status?
    /// Dates `[from, to]`, inclusive.
    public var from: CalendarDate?
    public var to: CalendarDate?
    public var limit: Int
    public var offset: Int

    public init(clientID: Client.ID? = nil, status: Delivery.Status? = nil, from: CalendarDate? = nil, to: CalendarDate? = nil,
                limit: Int = 200, offset: Int = 0) {
        self.clientID = clientID; self.status = status; self.from = from; self.to = to
        self.limit = max(1, min(limit, 500)); self.offset = max(0, offset)
    }
}

/// Deliveries at clients, visible with their client (rule 1), audited on the client.
public struct DeliveryStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func create(clientID: Client.ID, _ draft: DeliveryDraft, by viewer: Viewer) async throws -> Delivery {
        let now = clock.now()
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            let (draft, lines) = try await Self.checked(session, draft)
            return try await Self.insert(session, clientID: clientID, draft, lines, action: "create", by: viewer, at: now)
        }
    }

    public func update(_ id: Delivery.ID, _ draft: DeliveryDraft, expectedVersion: Int64, by viewer: Viewer) async throws -> Delivery {
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.delivery(session, id, scope: .of(viewer)) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            let (draft, lines) = try await Self.checked(session, draft)
            return try await Self.replace(session, before, draft, lines, action: before.draft.status == draft.status ? "update" : draft.status.rawValue,
                                          by: viewer, at: now)
        }
    }

    // MARK: Writes shared with the import

    static func insert(_ session: Session, clientID: Client.ID, _ draft: DeliveryDraft, _ lines: [Delivery.Line], action: String,
                       by viewer: Viewer, at now: Date) async throws -> Delivery {
        let id: Delivery.ID = try await session.first("""
            INSERT INTO deliveries (client_id, delivery_date, status, notes, table_id, lines, owner_id, created_at, updated_at)
            VALUES (\(bind: clientID.rawValue), \(values(session, draft, lines)), \(bind: viewer.id.rawValue),
                    \(session.instant(now)), \(session.instant(now)))
            RETURNING id
            """)!.id("id")
        let created = try await delivery(session, id, scope: .all)!
        try await AuditLog.record(session, at: now, userID: viewer.id, entity: "delivery", entityID: id.rawValue, clientID: clientID,
                                  action: action, changes: AuditLog.diff([:], flatten(created)))
        return created
    }

    static func replace(_ session: Session, _ before: Delivery, _ draft: DeliveryDraft, _ lines: [Delivery.Line], action: String,
                        by viewer: Viewer, at now: Date) async throws -> Delivery {
        try await session.run("""
            UPDATE deliveries SET (delivery_date, status, notes, table_id, lines) = (\(values(session, draft, lines))),
                version = version + 1, updated_at = \(session.instant(now))
            WHERE id = \(bind: before.id.rawValue)
            """)
        let after = try await delivery(session, before.id, scope: .all)!
        try await AuditLog.record(session, at: now, userID: viewer.id, entity: "delivery", entityID: before.id.rawValue, clientID: before.clientID,
                                  action: action, changes: AuditLog.diff(flatten(before), flatten(after)))
        return after
    }

    public func delivery(_ id: Delivery.ID, by viewer: Viewer) async throws -> Delivery? {
        try await database.read { try await Self.delivery($0, id, scope: .of(viewer)) }
    }

    public func list(_ query: DeliveryQuery, by viewer: Viewer) async throws -> [DeliveryListing] {
        try await database.read { session in
            try await session.rows("""
                \(Self.select) WHERE \(Self.filter(session, query, viewer)) ORDER BY d.delivery_date DESC, d.id DESC
                LIMIT \(literal: query.limit) OFFSET \(literal: query.offset)
                """).map(Self.listing)
        }
    }

    /// Every delivery the query matches, streamed (downloads).
    public func export(_ query: DeliveryQuery, by viewer: Viewer, _ each: @escaping @Sendable (DeliveryListing) -> Void) async throws {
        try await database.longRead { session in
            let failure = Mutex<(any Error)?>(nil)
            try await session.stream("\(Self.select) WHERE \(Self.filter(session, query, viewer)) ORDER BY d.delivery_date DESC, d.id DESC") { row in
                do { each(try Self.listing(row)) } catch { failure.withLock { $0 = $0 ?? error } }
            }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }

    // MARK: SQL

    static let select: SQLQueryString = "SELECT d.*, c.client_number, c.legal_name FROM deliveries d JOIN clients c ON c.id = d.client_id"

    static func filter(_ session: Session, _ query: DeliveryQuery, _ viewer: Viewer) -> SQLQueryString {
        var parts: [SQLQueryString] = [ClientScope.of(viewer).predicate(session)]
        if let client = query.clientID { parts.append("d.client_id = \(bind: client.rawValue)") }
        if let status = query.status { parts.append("d.status = \(bind: status.rawValue)") }
        // `YYYY-MM-DD` text sorts as the dates do.
        if let from = query.from { parts.append("d.delivery_date >= \(bind: from.description)") }
        if let to = query.to { parts.append("d.delivery_date <= \(bind: to.description)") }
        return parts.joined(separator: " AND ")
    }

    /// Notes checked; each typed code looked up in the table, each quantity read; at least one line.
    static func checked(_ session: Session, _ draft: DeliveryDraft) async throws -> (DeliveryDraft, [Delivery.Line]) {
        var v = Validator()
        var out = draft
        out.notes = v.text("notes", draft.notes, maxLength: 4000)
        var errors = v.errors
        if try await session.first("SELECT id FROM master_tables WHERE id = \(bind: draft.tableID.rawValue)") == nil {
            errors.append(FieldError("tableId", "unknown_reference"))
        }
        var lines: [Delivery.Line] = []
        for typed in draft.lines where !typed.code.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let quantity = FormStore.milli(typed.quantity), quantity > 0 else {
                errors.append(FieldError("lines", "invalid_quantity", [typed.code])); continue
            }
            guard let (item, _) = try await MasterDataStore.lookup(session, draft.tableID, code: typed.code, priceListID: nil) else {
                errors.append(FieldError("lines", "unknown_item", [typed.code])); continue
            }
            lines.append(Delivery.Line(itemID: item.id, code: item.draft.code, description: item.draft.description, unit: item.draft.unit,
                                       quantityMilli: quantity))
        }
        if lines.isEmpty && !errors.contains(where: { $0.field == "lines" }) { errors.append(FieldError("lines", "required")) }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        out.lines = lines.map { .init(code: $0.code, quantity: String(Double($0.quantityMilli) / 1000)) }
        return (out, lines)
    }

    static func values(_ session: Session, _ d: DeliveryDraft, _ lines: [Delivery.Line]) -> SQLQueryString {
        let json = String(decoding: try! JSONEncoder().encode(lines), as: UTF8.self)
        return """
            \(bind: d.date.description), \(bind: d.status.rawValue), \(bind: d.notes), \(bind: d.tableID.rawValue), \(session.json(json))
            """
    }

    static func delivery(_ session: Session, _ id: Delivery.ID, scope: ClientScope) async throws -> Delivery? {
        try await session.first("""
            SELECT d.* FROM deliveries d JOIN clients c ON c.id = d.client_id WHERE d.id = \(bind: id.rawValue) AND \(scope.predicate(session))
            """).map(delivery)
    }

    static func delivery(_ row: Row) throws -> Delivery {
        let lines = try row.json("lines", as: [Delivery.Line].self)
        let draft = DeliveryDraft(date: CalendarDate(try row.string("delivery_date"))!,
                                  status: Delivery.Status(rawValue: try row.string("status")) ?? .scheduled, notes: try row.optString("notes"),
                                  tableID: try row.id("table_id"),
                                  lines: lines.map { .init(code: $0.code, quantity: String(Double($0.quantityMilli) / 1000)) })
        return Delivery(id: try row.id("id"), clientID: try row.id("client_id"), draft: draft, lines: lines, ownerID: try row.id("owner_id"),
                        version: try row.int("version"))
    }

    static func listing(_ row: Row) throws -> DeliveryListing {
        DeliveryListing(delivery: try delivery(row), clientNumber: try row.int("client_number"), clientName: try row.string("legal_name"))
    }

    static func flatten(_ d: Delivery) -> [String: String] {
        var out = ["date": d.draft.date.description, "status": d.draft.status.rawValue,
                   "lines": d.lines.map { "\($0.code) × \(Double($0.quantityMilli) / 1000)" }.joined(separator: ", ")]
        out["notes"] = d.draft.notes
        return out
    }
}
