import CarteraCore
import Foundation
import SQLKit
import Synchronization

/// Clients: every read takes the viewer's ``ClientScope``; every write checks
/// the viewer's permission, validates, and is audited in the same transaction.
public struct ClientStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    // MARK: Reads

    /// One page of the clients the scope allows, searched, filtered and sorted.
    public func list(_ query: ClientQuery, scope: ClientScope) async throws -> ClientPage {
        try await database.read { session in
            let search = query.search.flatMap(SearchQuery.init)
            var conditions = Self.conditions(session, query, scope)
            var order = ClientSQL.orderBy(query.sort, descending: query.descending, searching: search != nil)
            var offset = 0
            var counting = query.counting
            switch query.page {
            case .offset(let value): offset = max(0, value)
            case .afterID(let after):
                order = "c.id ASC"
                counting = .none
                if let after { conditions.append("c.id > \(bind: after.rawValue)") }
            }
            var predicate = conditions.map { "(\($0))" as SQLQueryString }.joined(separator: " AND ")
            let archivedOnly = scope == .all && query.filters.isEmpty
            let count = try await Self.count(session, search, query.archived, predicate, counting, archivedOnly: archivedOnly)
            var from = Self.from(session, search, query.archived)
            var newestFirst = false
            if search == nil, session.kind == .sqlite, case .offset = query.page,
               let index = ClientSQL.sortIndex(query.sort),
               try await Self.isBroad(session, nil, query.archived, predicate, known: count, limit: query.sortedUpTo) {
                // Many matches: read them in the sort's order and stop at the page, rather
                // than letting SQLite pick a filter's index and sort every match. Few
                // matches go the planner's way: found by the filter, then sorted.
                from = "clients c \(unsafeRaw: index)"
            } else if case .words(let words) = search, query.sort == nil, case .offset = query.page,
               try await Self.isBroad(session, search, query.archived, predicate, known: count, limit: query.sortedUpTo,
                                      archivedOnly: archivedOnly) {
                if session.kind == .sqlite {
                    predicate = ClientSQL.newestWordPage(session, words, query.archived, where: archivedOnly ? nil : predicate,
                                                         limit: query.limit + 1, offset: offset)
                    (from, order, offset) = ("clients c", "c.id DESC", 0)
                } else {
                    let matches = ClientSQL.wordMatches(session, words, query.archived, where: predicate, planOnce: archivedOnly)
                    (from, predicate, order) = (matches.from, matches.predicate, "c.id DESC")
                }
                newestFirst = true
            }
            let rows = try await session.rows("""
                SELECT \(ClientSQL.columns(session, query.parts)) FROM \(from) WHERE \(predicate)
                ORDER BY \(order) LIMIT \(literal: query.limit + 1) OFFSET \(literal: offset)
                """)
            return ClientPage(clients: try rows.prefix(query.limit).map { try ClientSQL.client($0, query.parts) }, count: count,
                              hasMore: rows.count > query.limit, newestFirst: newestFirst)
        }
    }

    /// Whether more than `limit` clients match; counts again only when the page's own count cannot tell.
    static func isBroad(_ session: Session, _ search: SearchQuery?, _ archived: ClientQuery.Archived,
                        _ predicate: SQLQueryString, known: ClientCount?,
                        limit: Int, archivedOnly: Bool = false) async throws -> Bool {
        switch known {
        case .exactly(let n)?: return n > limit
        case .moreThan(let n)? where n >= limit: return true
        default:
            return try await count(session, search, archived, predicate, .upTo(limit), archivedOnly: archivedOnly) == .moreThan(limit)
        }
    }

    /// The matches of a list, counted as far as `counting` asks. A word search
    /// counts straight from the word index, without ranking.
    /// `archivedOnly`: `predicate` is the scope of a viewer who sees every client
    /// and the archived choice, nothing else.
    static func count(_ session: Session, _ search: SearchQuery?, _ archived: ClientQuery.Archived, _ predicate: SQLQueryString,
                      _ counting: ClientQuery.Counting, archivedOnly: Bool = false) async throws -> ClientCount? {
        var (from, filter) = (Self.from(session, search, archived), predicate)
        if case .words(let words) = search {
            let matches = ClientSQL.wordMatches(session, words, archived, where: predicate, archivedOnly: archivedOnly)
            (from, filter) = (matches.from, matches.predicate)
        }
        switch counting {
        case .none:
            return nil
        case .all:
            return .exactly(Int(try await session.first("SELECT COUNT(*) AS n FROM \(from) WHERE \(filter)")!.int("n")))
        case .upTo(let cap):
            if archivedOnly, archived == .active, case .words(let words)? = search, words.count == 1,
               let found = try await ClientNameWords.matches(session, prefix: words[0], atLeast: cap + 1), found > cap {
                return .moreThan(cap)
            }
            let n = Int(try await session.first("""
                SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM \(from) WHERE \(filter) LIMIT \(literal: cap + 1)) counted
                """)!.int("n"))
            return n > cap ? .moreThan(cap) : .exactly(n)
        }
    }

    /// Every client the list would show for `query` (its page and limit
    /// ignored), in the same order, handed over one at a time as the database
    /// returns them: exports do not hold the result in memory.
    public func export(_ query: ClientQuery, scope: ClientScope, _ each: @escaping @Sendable (Client) -> Void) async throws {
        try await database.longRead { session in
            let search = query.search.flatMap(SearchQuery.init)
            let predicate = Self.conditions(session, query, scope).map { "(\($0))" as SQLQueryString }.joined(separator: " AND ")
            let order = ClientSQL.orderBy(query.sort, descending: query.descending, searching: search != nil)
            let failure = Mutex<(any Error)?>(nil)
            try await session.stream("""
                SELECT \(ClientSQL.columns(session)) FROM \(Self.from(session, search, query.archived)) WHERE \(predicate) ORDER BY \(order)
                """) { row in
                do { each(try ClientSQL.client(row)) } catch { failure.withLock { $0 = $0 ?? error } }
            }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }

    /// A client the scope allows, archived or not; `nil` otherwise.
    public func client(_ id: Client.ID, scope: ClientScope) async throws -> Client? {
        try await database.read { try await Self.client($0, id, scope: scope) }
    }

    /// A visible client by its client number.
    public func client(number: Int64, scope: ClientScope) async throws -> Client? {
        try await database.read { try await Self.client($0, number: number, scope: scope) }
    }

    /// The client's history as the viewer may see it: the client's own events,
    /// its contacts', and those of operations (follow-ups, activities) under rule 2.
    /// `before`: an event id, for the page of older events.
    public func history(_ id: Client.ID, by viewer: Viewer, limit: Int = 200, kind: HistoryKind = .all,
                        before: Int64? = nil) async throws -> [AuditEvent] {
        try await database.read { session in
            guard try await Self.isVisible(session, id, scope: .of(viewer)) else { throw StoreError.notFound }
            return try await AuditLog.clientHistory(session, clientID: id, viewer: viewer, limit: limit, kind: kind, before: before)
        }
    }

    static func client(_ session: Session, _ id: Client.ID, scope: ClientScope) async throws -> Client? {
        try await session.first("""
            SELECT \(columns(session)) FROM clients c WHERE c.id = \(bind: id.rawValue) AND \(scope.predicate(session))
            """).map(ClientSQL.client)
    }

    /// Whether the client exists within `scope`: the check before reading what hangs off a
    /// client, without reading and decoding the client itself.
    static func isVisible(_ session: Session, _ id: Client.ID, scope: ClientScope) async throws -> Bool {
        try await session.first("""
            SELECT 1 AS one FROM clients c WHERE c.id = \(bind: id.rawValue) AND \(scope.predicate(session))
            """) != nil
    }

    static func client(_ session: Session, number: Int64, scope: ClientScope) async throws -> Client? {
        try await session.first("""
            SELECT \(columns(session)) FROM clients c WHERE c.client_number = \(bind: number) AND \(scope.predicate(session))
            """).map(ClientSQL.client)
    }

    static func columns(_ session: Session) -> SQLQueryString { ClientSQL.columns(session) }

    /// The scope, the archived choice and the filters of a list, ANDed by the caller.
    static func conditions(_ session: Session, _ query: ClientQuery, _ scope: ClientScope) -> [SQLQueryString] {
        [scope.predicate(session), ClientSQL.archived(session, query.archived)] + query.filters.map { ClientSQL.filter(session, $0) }
    }

    static func from(_ session: Session, _ search: SearchQuery?, _ archived: ClientQuery.Archived) -> SQLQueryString {
        guard let search else { return "clients c" }
        return "clients c JOIN (\(ClientSQL.matches(session, search, archived))) m ON m.id = c.id"
    }

    // MARK: Writes

    /// Creates a client with the next client number.
    public func create(_ draft: ClientDraft, by viewer: Viewer) async throws -> Client {
        try await create(draft, by: viewer, idempotency: nil).client
    }

    /// Creates a client once per idempotency key: a retried request gets the
    /// client made the first time (`replayed`), never a second one.
    public func create(_ draft: ClientDraft, by viewer: Viewer,
                       idempotency: IdempotencyKey?) async throws -> (client: Client, replayed: Bool) {
        guard viewer.can(.editClients) else { throw StoreError.forbidden }
        return try await database.write { session in
            if let idempotency, let earlier = try await idempotency.claim(session, userID: viewer.id, entity: "client") {
                guard let client = try await Self.client(session, Client.ID(earlier), scope: .of(viewer)) else {
                    throw StoreError.notFound
                }
                return (client, true)
            }
            let client = try await Self.insert(session, draft, definitions: try await CatalogueStore.customFields(session),
                                               by: viewer, at: clock.now(), action: "create")
            try await idempotency?.complete(session, userID: viewer.id, entityID: client.id.rawValue)
            return (client, false)
        }
    }

    /// Replaces the client's editable fields when `expectedVersion` is current.
    public func update(_ id: Client.ID, _ draft: ClientDraft, expectedVersion: Int64, by viewer: Viewer) async throws -> Client {
        guard viewer.can(.editClients) else { throw StoreError.forbidden }
        return try await database.write { session in
            let scope = ClientScope.of(viewer)
            guard let before = try await Self.client(session, id, scope: scope) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            return try await Self.replace(session, before, draft, definitions: try await CatalogueStore.customFields(session),
                                          by: viewer, at: clock.now(), action: "update")
        }
    }

    /// Archives or restores; both are reversible and audited.
    public func setArchived(_ id: Client.ID, _ archived: Bool, expectedVersion: Int64?, by viewer: Viewer) async throws -> Client {
        guard viewer.can(.archiveClients) else { throw StoreError.forbidden }
        return try await database.write { session in
            let scope = ClientScope.of(viewer)
            guard let before = try await Self.client(session, id, scope: scope) else { throw StoreError.notFound }
            if let expectedVersion, before.version != expectedVersion {
                throw StoreError.versionConflict(current: before.version)
            }
            guard before.archived != archived else { return before }
            if !archived { try await Self.checkReferences(session, before.draft, except: id) }
            try await session.run("""
                UPDATE clients SET archived = \(bind: archived), version = version + 1, updated_at = \(session.instant(clock.now()))
                WHERE id = \(bind: id.rawValue)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "client", entityID: id.rawValue,
                                      clientID: id, action: archived ? "archive" : "restore",
                                      changes: [AuditChange(field: "archived", before: String(before.archived), after: String(archived))])
            return try await Self.client(session, id, scope: scope)!
        }
    }

    // MARK: Internals

    /// Validates and inserts a client with the next number, inside the caller's
    /// transaction, and audits it; refused when it would fall outside the viewer's scope
    /// (or `readBack`, for writers such as lead intake whose new client is reached through its lead).
    static func insert(_ session: Session, _ draft: ClientDraft, definitions: [CustomFieldDefinition], by viewer: Viewer,
                       at now: Date, action: String, readBack: ClientScope? = nil) async throws -> Client {
        let draft = try draft.validated(customFields: definitions)
        try await checkReferences(session, draft, except: nil)
        let number = try await Counters.next(session, "client")
        let id: Client.ID = try await session.first("""
            INSERT INTO clients (client_number, \(unsafeRaw: editableColumns), created_at, updated_at)
            VALUES (\(bind: number), \(values(session, draft, number: number, definitions: definitions)),
                \(session.instant(now)), \(session.instant(now)))
            RETURNING id
            """)!.id("id")
        try await ClientLookupKeys.writePhones(session, clientID: id.rawValue, phones: draft.phones, replacing: false)
        try await ClientLookupKeys.writeEmails(session, clientID: id.rawValue, emails: draft.emails, replacing: false)
        guard let client = try await client(session, id, scope: readBack ?? .of(viewer)) else {
            throw ValidationFailure([FieldError("clientGroupId", "outside_scope")])
        }
        try await AuditLog.record(session, at: now, userID: viewer.id, entity: "client", entityID: id.rawValue,
                                  clientID: id, action: action, changes: AuditLog.diff([:], flatten(client)))
        return client
    }

    /// Validates and writes new fields over `before` (already checked for
    /// scope and version) inside the caller's transaction, and audits the diff.
    static func replace(_ session: Session, _ before: Client, _ draft: ClientDraft, definitions: [CustomFieldDefinition],
                        by viewer: Viewer, at now: Date, action: String, readBack: ClientScope? = nil) async throws -> Client {
        let draft = try draft.validated(customFields: definitions)
        try await checkReferences(session, draft, except: before.id)
        try await session.run("""
            UPDATE clients SET (\(unsafeRaw: editableColumns)) =
                (\(values(session, draft, number: before.clientNumber, definitions: definitions))),
                version = version + 1, updated_at = \(session.instant(now))
            WHERE id = \(bind: before.id.rawValue) AND version = \(bind: before.version)
            """)
        if draft.phones != before.draft.phones {
            try await ClientLookupKeys.writePhones(session, clientID: before.id.rawValue, phones: draft.phones)
        }
        if draft.emails != before.draft.emails {
            try await ClientLookupKeys.writeEmails(session, clientID: before.id.rawValue, emails: draft.emails)
        }
        guard let after = try await client(session, before.id, scope: readBack ?? .of(viewer)) else {
            throw ValidationFailure([FieldError("clientGroupId", "outside_scope")])
        }
        try await AuditLog.record(session, at: now, userID: viewer.id, entity: "client", entityID: before.id.rawValue,
                                  clientID: before.id, action: action, changes: AuditLog.diff(flatten(before), flatten(after)))
        return after
    }

    /// The columns `values` fills, in its order.
    static let editableColumnNames = [
        "legal_name", "trade_name", "name_key", "name_sound", "tax_id", "tax_id_kind", "tax_id_key", "client_type_id",
        "client_group_id", "branch_id", "sales_agent_id", "collector_id", "street", "street_number", "city", "state",
        "postal_code", "country", "latitude", "longitude", "emails", "phones", "description", "custom_fields",
        "search_words", "search_digits",
    ]
    static let editableColumns = editableColumnNames.joined(separator: ", ")

    /// The bound values of every editable column, in the order of the INSERT and UPDATE lists.
    static func values(_ session: Session, _ d: ClientDraft, number: Int64, definitions: [CustomFieldDefinition]) -> SQLQueryString {
        let values = columnValues(ClientRowValues(d, definitions: definitions), number: number)
        let cells: [SQLQueryString] = zip(editableColumnNames, values).map { column, value in
            column == "custom_fields" ? session.json(value) : "\(bind: value)"
        }
        return cells.joined(separator: ", ")
    }

    /// The values of `editableColumnNames`, in order.
    static func columnValues(_ row: ClientRowValues, number: Int64) -> [BoundCell] {
        let d = row.draft
        return [
            .text(d.legalName), .init(d.tradeName), .text(row.nameKey), .text(row.nameSound), .init(d.taxID),
            .init(d.taxIDKind?.rawValue), .init(row.taxKey), .init(d.clientTypeID?.rawValue), .init(d.clientGroupID?.rawValue),
            .init(d.branchID?.rawValue), .init(d.salesAgentID?.rawValue), .init(d.collectorID?.rawValue), .init(d.address.street),
            .init(d.address.number), .init(d.address.city), .init(d.address.state), .init(d.address.postalCode),
            .init(d.address.country), .init(d.latitude), .init(d.longitude), .text(row.emails), .text(row.phones),
            .init(d.description), .text(row.customFields), .text(ClientDraft.searchWords(clientNumber: number, then: row.words)),
            .text(row.digits),
        ]
    }

    /// Referenced catalogue rows and users must exist; a tax id belongs to one active client.
    static func checkReferences(_ session: Session, _ d: ClientDraft, except id: Client.ID?) async throws {
        let errors = try await checkReferences(session, [d], except: id)[0]
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    /// A client as flat field → text pairs, for audit diffs.
    static func flatten(_ c: Client) -> [String: String] { flatten(number: c.clientNumber, c.draft) }

    static func flatten(number: Int64, _ d: ClientDraft) -> [String: String] {
        Dictionary(uniqueKeysWithValues: fieldTexts(number: number, d).lazy.map { ($0.field, $0.text) })
    }

    /// The fields of `flatten` that have a value, in no order (a new client's audit
    /// changes are written from these, a dictionary a client being too dear on an import).
    static func fieldTexts(number: Int64, _ d: ClientDraft) -> [(field: String, text: String)] {
        var out: [(field: String, text: String)] = [("clientNumber", String(number)), ("legalName", d.legalName)]
        out.reserveCapacity(16 + d.customFields.count)
        func add(_ field: String, _ text: String?) { if let text { out.append((field, text)) } }
        add("tradeName", d.tradeName)
        add("taxId", d.taxID)
        add("taxIdKind", d.taxIDKind?.rawValue)
        add("clientTypeId", d.clientTypeID?.description)
        add("clientGroupId", d.clientGroupID?.description)
        add("branchId", d.branchID?.description)
        add("salesAgentId", d.salesAgentID?.description)
        add("collectorId", d.collectorID?.description)
        let address = d.address.oneLine
        add("address", address.isEmpty ? nil : address)
        add("latitude", d.latitude.map { String($0) })
        add("longitude", d.longitude.map { String($0) })
        add("emails", d.emails.isEmpty ? nil : d.emails.joined(separator: ", "))
        add("phones", d.phones.isEmpty ? nil : d.phones.joined(separator: ", "))
        add("description", d.description)
        for (key, value) in d.customFields { out.append(("customFields.\(key)", value.displayText)) }
        return out
    }
}
