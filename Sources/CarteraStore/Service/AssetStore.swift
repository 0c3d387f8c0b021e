import CarteraCore
import Foundation
import SQLKit
import Synchronization

/// An asset as lists show it, with its client and kind.
public struct AssetListing: Sendable, Hashable {
    public let asset: Asset
    public let clientNumber: Int64
    public let clientName: String
    public let kindName: String
}

/// Which assets a list asks for; the viewer's client scope always applies.
public struct AssetQuery: Sendable, Hashable {
    public var search: String?
    public var kindID: AssetKind.ID?
    public var clientID: Client.ID?
    public var archived: ClientQuery.Archived
    public var limit: Int
    public var offset: Int

    public init(search: String? = nil, kindID: AssetKind.ID? = nil, clientID: Client.ID? = nil, archived: ClientQuery.Archived = .active,
                limit: Int = 200, offset: Int = 0) {
        self.search = search; self.kindID = kindID; self.clientID = clientID; self.archived = archived
        self.limit = max(1, min(limit, 500)); self.offset = max(0, offset)
    }
}

/// Equipment at clients, visible with its client (rule 1). Writes are audited
/// on the client, so the client's history shows them.
public struct AssetStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func create(clientID: Client.ID, _ draft: AssetDraft, by viewer: Viewer) async throws -> Asset {
        let now = clock.now()
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            let (draft, kind) = try await Self.checked(session, draft, creating: true)
            return try await Self.insert(session, clientID: clientID, draft, kind, action: "create", by: viewer.id, at: now)
        }
    }

    /// Inserts a checked asset and records it on the client.
    static func insert(_ session: Session, clientID: Client.ID, _ draft: AssetDraft, _ kind: AssetKind, action: String, by userID: User.ID,
                       at now: Date) async throws -> Asset {
        let id: Asset.ID = try await session.first("""
            INSERT INTO assets (client_id, kind_id, name, name_key, serial, field_values, search_words, created_at, updated_at)
            VALUES (\(bind: clientID.rawValue), \(values(session, draft, kind)), \(session.instant(now)), \(session.instant(now)))
            RETURNING id
            """)!.id("id")
        let created = try await asset(session, id, scope: .all)!
        try await AuditLog.record(session, at: now, userID: userID, entity: "asset", entityID: id.rawValue, clientID: clientID,
                                  action: action, changes: AuditLog.diff([:], flatten(created)))
        return created
    }

    public func update(_ id: Asset.ID, _ draft: AssetDraft, archived: Bool? = nil, expectedVersion: Int64, by viewer: Viewer) async throws -> Asset {
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.asset(session, id, scope: .of(viewer)) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            let (draft, kind) = try await Self.checked(session, draft, creating: draft.kindID != before.draft.kindID)
            try await session.run("""
                UPDATE assets SET (kind_id, name, name_key, serial, field_values, search_words) = (\(Self.values(session, draft, kind))),
                    archived = \(bind: archived ?? before.archived), version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            return try await Self.audited(session, before, action: "update", by: viewer.id, at: now)
        }
    }

    /// Archives (out of lists and new orders) or restores an asset; its history stays.
    public func setArchived(_ id: Asset.ID, _ archived: Bool, expectedVersion: Int64, by viewer: Viewer) async throws -> Asset {
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.asset(session, id, scope: .of(viewer)) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            guard before.archived != archived else { return before }
            try await session.run("""
                UPDATE assets SET archived = \(bind: archived), version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: id.rawValue)
                """)
            return try await Self.audited(session, before, action: archived ? "archive" : "restore", by: viewer.id, at: now)
        }
    }

    public func asset(_ id: Asset.ID, by viewer: Viewer) async throws -> Asset? {
        try await database.read { try await Self.asset($0, id, scope: .of(viewer)) }
    }

    public func list(_ query: AssetQuery, by viewer: Viewer) async throws -> [AssetListing] {
        try await database.read { session in
            try await session.rows("""
                \(Self.select) WHERE \(Self.filter(session, query, viewer)) ORDER BY a.name_key, a.id
                LIMIT \(literal: query.limit) OFFSET \(literal: query.offset)
                """).map(Self.listing)
        }
    }

    /// How many assets the query matches (the panel's count).
    public func count(_ query: AssetQuery, by viewer: Viewer) async throws -> Int {
        try await database.read { session in
            Int(try await session.first("""
                SELECT COUNT(*) AS n FROM assets a JOIN clients c ON c.id = a.client_id WHERE \(Self.filter(session, query, viewer))
                """)!.int("n"))
        }
    }

    /// Every asset the query matches, streamed (downloads).
    public func export(_ query: AssetQuery, by viewer: Viewer, _ each: @escaping @Sendable (AssetListing) -> Void) async throws {
        try await database.longRead { session in
            let failure = Mutex<(any Error)?>(nil)
            try await session.stream("\(Self.select) WHERE \(Self.filter(session, query, viewer)) ORDER BY a.name_key, a.id") { row in
                do { each(try Self.listing(row)) } catch { failure.withLock { $0 = $0 ?? error } }
            }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }

    // MARK: SQL

    static let select: SQLQueryString = """
        SELECT a.*, c.client_number, c.legal_name, k.name AS kind_name
        FROM assets a JOIN clients c ON c.id = a.client_id JOIN asset_kinds k ON k.id = a.kind_id
        """

    static func filter(_ session: Session, _ query: AssetQuery, _ viewer: Viewer) -> SQLQueryString {
        var parts: [SQLQueryString] = [ClientScope.of(viewer).predicate(session)]
        switch query.archived {
        case .active: parts.append("a.archived = \(session.literal(false))")
        case .archived: parts.append("a.archived = \(session.literal(true))")
        case .all: break
        }
        if let kind = query.kindID { parts.append("a.kind_id = \(bind: kind.rawValue)") }
        if let client = query.clientID { parts.append("a.client_id = \(bind: client.rawValue)") }
        if let words = query.search.map({ Normalization.queryWords($0) }), !words.isEmpty {
            parts.append(WordSearch.match(session, words, alias: "a", fts: "asset_words"))
        }
        return parts.joined(separator: " AND ")
    }

    static func values(_ session: Session, _ d: AssetDraft, _ kind: AssetKind) -> SQLQueryString {
        let values = String(decoding: try! JSONEncoder().encode(d.values), as: UTF8.self)
        return """
            \(bind: d.kindID.rawValue), \(bind: d.name), \(bind: Normalization.sortKey(d.name)), \(bind: d.serial), \(session.json(values)),
            \(bind: d.searchWords(kind: kind))
            """
    }

    /// The draft validated against its kind; a new asset (or one changing kind) needs an active kind.
    static func checked(_ session: Session, _ draft: AssetDraft, creating: Bool) async throws -> (AssetDraft, AssetKind) {
        guard let kind = try await AssetKindStore.kind(session, draft.kindID), kind.active || !creating else {
            throw ValidationFailure([FieldError("kindId", "unknown_reference")])
        }
        return (try draft.validated(kind: kind), kind)
    }

    static func asset(_ session: Session, _ id: Asset.ID, scope: ClientScope) async throws -> Asset? {
        try await session.first("""
            SELECT a.* FROM assets a JOIN clients c ON c.id = a.client_id WHERE a.id = \(bind: id.rawValue) AND \(scope.predicate(session))
            """).map(asset)
    }

    static func audited(_ session: Session, _ before: Asset, action: String, by userID: User.ID, at now: Date) async throws -> Asset {
        let after = try await asset(session, before.id, scope: .all)!
        try await AuditLog.record(session, at: now, userID: userID, entity: "asset", entityID: before.id.rawValue, clientID: before.clientID,
                                  action: action, changes: AuditLog.diff(flatten(before), flatten(after)))
        return after
    }

    static func asset(_ row: Row) throws -> Asset {
        Asset(id: try row.id("id"), clientID: try row.id("client_id"),
              draft: AssetDraft(kindID: try row.id("kind_id"), name: try row.string("name"), serial: try row.optString("serial"),
                                values: try row.json("field_values", as: [String: CustomFieldValue].self)),
              archived: try row.bool("archived"), version: try row.int("version"), createdAt: try row.instant("created_at"))
    }

    static func listing(_ row: Row) throws -> AssetListing {
        AssetListing(asset: try asset(row), clientNumber: try row.int("client_number"), clientName: try row.string("legal_name"),
                     kindName: try row.string("kind_name"))
    }

    static func flatten(_ a: Asset) -> [String: String] {
        var out = ["kindId": a.draft.kindID.description, "name": a.draft.name, "archived": a.archived ? "true" : "false"]
        out["serial"] = a.draft.serial
        for (key, value) in a.draft.values { out["fields.\(key)"] = value.displayText }
        return out
    }
}
