import CarteraCore
import Foundation
import SQLKit
import Synchronization

/// An invoice as lists show it.
public struct ReceivableListing: Sendable, Hashable {
    public let receivable: Receivable
    public let clientNumber: Int64
    public let clientName: String
}

/// Invoices of clients, visible with their client (rule 1); written from the
/// card, the API (an ERP) and spreadsheets, audited on the client.
public struct ReceivableStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func create(clientID: Client.ID, _ draft: ReceivableDraft, by viewer: Viewer) async throws -> Receivable {
        let now = clock.now()
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            return try await Self.insert(session, clientID: clientID, try draft.validated(), action: "create", by: viewer, at: now)
        }
    }

    public func update(_ id: Receivable.ID, _ draft: ReceivableDraft, expectedVersion: Int64, by viewer: Viewer) async throws -> Receivable {
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.receivable(session, id, scope: .of(viewer)) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            return try await Self.replace(session, before, try draft.validated(), action: "update", by: viewer, at: now)
        }
    }

    public func receivable(_ id: Receivable.ID, by viewer: Viewer) async throws -> Receivable? {
        try await database.read { try await Self.receivable($0, id, scope: .of(viewer)) }
    }

    /// Newest due date first; `openOnly` leaves out paid ones; `number` finds one invoice (case and punctuation aside).
    public func list(clientID: Client.ID? = nil, openOnly: Bool = false, number: String? = nil, by viewer: Viewer, limit: Int = 200,
                     offset: Int = 0) async throws -> [ReceivableListing] {
        try await database.read { session in
            let byNumber: SQLQueryString = number.map { " AND r.number_key = \(bind: Self.numberKey($0))" } ?? ""
            return try await session.rows("""
                \(Self.select) WHERE \(Self.filter(session, clientID, openOnly, viewer))\(byNumber)
                ORDER BY r.due_date DESC, r.id DESC LIMIT \(literal: max(1, min(limit, 500))) OFFSET \(literal: max(0, offset))
                """).map(Self.listing)
        }
    }

    /// How many of the client's invoices are open, within the viewer's scope (the card's line).
    public func openCount(clientID: Client.ID, by viewer: Viewer) async throws -> Int {
        try await database.read { session in
            Int(try await session.first("""
                SELECT COUNT(*) AS n FROM receivables r JOIN clients c ON c.id = r.client_id
                WHERE \(Self.filter(session, clientID, true, viewer))
                """)!.int("n"))
        }
    }

    /// Every invoice the filter matches, streamed (downloads).
    public func export(clientID: Client.ID? = nil, openOnly: Bool = false, by viewer: Viewer,
                       _ each: @escaping @Sendable (ReceivableListing) -> Void) async throws {
        try await database.longRead { session in
            let failure = Mutex<(any Error)?>(nil)
            try await session.stream("""
                \(Self.select) WHERE \(Self.filter(session, clientID, openOnly, viewer)) ORDER BY r.due_date DESC, r.id DESC
                """) { row in
                do { each(try Self.listing(row)) } catch { failure.withLock { $0 = $0 ?? error } }
            }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }

    // MARK: SQL shared with the import and the notices

    static let select: SQLQueryString = "SELECT r.*, c.client_number, c.legal_name FROM receivables r JOIN clients c ON c.id = r.client_id"

    static func filter(_ session: Session, _ clientID: Client.ID?, _ openOnly: Bool, _ viewer: Viewer) -> SQLQueryString {
        var parts: [SQLQueryString] = [ClientScope.of(viewer).predicate(session)]
        if let clientID { parts.append("r.client_id = \(bind: clientID.rawValue)") }
        if openOnly { parts.append("r.paid = \(session.literal(false)) AND r.balance_minor > 0") }
        return parts.joined(separator: " AND ")
    }

    static func numberKey(_ number: String) -> String { Normalization.compactKey(number) }

    static func insert(_ session: Session, clientID: Client.ID, _ d: ReceivableDraft, action: String, by viewer: Viewer,
                       at now: Date) async throws -> Receivable {
        try await checkNumber(session, d.number, except: nil)
        let id: Receivable.ID = try await session.first("""
            INSERT INTO receivables (client_id, number, number_key, issue_date, due_date, currency, amount_minor, balance_minor, paid,
                created_at, updated_at)
            VALUES (\(bind: clientID.rawValue), \(values(d)), \(session.instant(now)), \(session.instant(now)))
            RETURNING id
            """)!.id("id")
        let created = try await receivable(session, id, scope: .all)!
        try await AuditLog.record(session, at: now, userID: viewer.id, entity: "receivable", entityID: id.rawValue, clientID: clientID,
                                  action: action, changes: AuditLog.diff([:], flatten(d)))
        return created
    }

    static func replace(_ session: Session, _ before: Receivable, _ d: ReceivableDraft, action: String, by viewer: Viewer,
                        at now: Date) async throws -> Receivable {
        try await checkNumber(session, d.number, except: before.id)
        try await session.run("""
            UPDATE receivables SET (number, number_key, issue_date, due_date, currency, amount_minor, balance_minor, paid) = (\(values(d))),
                version = version + 1, updated_at = \(session.instant(now))
            WHERE id = \(bind: before.id.rawValue)
            """)
        try await AuditLog.record(session, at: now, userID: viewer.id, entity: "receivable", entityID: before.id.rawValue,
                                  clientID: before.clientID, action: action, changes: AuditLog.diff(flatten(before.draft), flatten(d)))
        return try await receivable(session, before.id, scope: .all)!
    }

    static func checkNumber(_ session: Session, _ number: String, except id: Receivable.ID?) async throws {
        if try await session.first("""
            SELECT id FROM receivables WHERE number_key = \(bind: numberKey(number)) AND id <> \(bind: id?.rawValue ?? 0)
            """) != nil {
            throw ValidationFailure([FieldError("number", "duplicate")])
        }
    }

    static func values(_ d: ReceivableDraft) -> SQLQueryString {
        """
        \(bind: d.number), \(bind: numberKey(d.number)), \(bind: d.issueDate.description), \(bind: d.dueDate.description), \
        \(bind: d.amount.currency), \(bind: d.amount.minor), \(bind: d.balance.minor), \(bind: d.paid)
        """
    }

    static func receivable(_ session: Session, _ id: Receivable.ID, scope: ClientScope) async throws -> Receivable? {
        try await session.first("""
            SELECT r.* FROM receivables r JOIN clients c ON c.id = r.client_id WHERE r.id = \(bind: id.rawValue) AND \(scope.predicate(session))
            """).map(receivable)
    }

    static func receivable(_ row: Row) throws -> Receivable {
        let currency = try row.string("currency")
        let draft = ReceivableDraft(number: try row.string("number"), issueDate: CalendarDate(try row.string("issue_date"))!,
                                    dueDate: CalendarDate(try row.string("due_date"))!,
                                    amount: Money(minor: try row.int("amount_minor"), currency: currency),
                                    balance: Money(minor: try row.int("balance_minor"), currency: currency), paid: try row.bool("paid"))
        return Receivable(id: try row.id("id"), clientID: try row.id("client_id"), draft: draft, version: try row.int("version"))
    }

    static func listing(_ row: Row) throws -> ReceivableListing {
        ReceivableListing(receivable: try receivable(row), clientNumber: try row.int("client_number"), clientName: try row.string("legal_name"))
    }

    static func flatten(_ d: ReceivableDraft) -> [String: String] {
        ["number": d.number, "issueDate": d.issueDate.description, "dueDate": d.dueDate.description,
         "amount": "\(d.amount.decimalText) \(d.amount.currency)", "balance": "\(d.balance.decimalText) \(d.balance.currency)",
         "paid": "\(d.paid)"]
    }
}
