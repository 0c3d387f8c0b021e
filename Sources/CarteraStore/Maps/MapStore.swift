import CarteraCore
import Foundation
import SQLKit

/// One square of the map's grid: the clients in it, where they are on average,
/// how recently they were visited, and — when it holds one client — that client.
public struct MapCell: Sendable, Hashable {
    public let count: Int
    public let latitude: Double
    public let longitude: Double
    public let recency: [VisitRecency: Int]
    public var pin: MapPin?

    public init(count: Int, latitude: Double, longitude: Double, recency: [VisitRecency: Int], pin: MapPin? = nil) {
        self.count = count; self.latitude = latitude; self.longitude = longitude; self.recency = recency; self.pin = pin
    }

    /// Two cells as one: counts added, position weighted by count, no single pin.
    public func merged(with other: MapCell) -> MapCell {
        let total = Double(count + other.count)
        return MapCell(count: count + other.count,
                       latitude: (latitude * Double(count) + other.latitude * Double(other.count)) / total,
                       longitude: (longitude * Double(count) + other.longitude * Double(other.count)) / total,
                       recency: recency.merging(other.recency, uniquingKeysWith: +))
    }

    /// The colour most of its clients share, the oldest first on ties.
    public var dominant: VisitRecency {
        [VisitRecency.never, .old, .medium, .recent].max { (recency[$0] ?? 0) < (recency[$1] ?? 0) } ?? .never
    }
}

/// A client drawn on its own.
public struct MapPin: Sendable, Hashable {
    public let id: Client.ID
    public let number: Int64
    public let name: String
    public let typeID: ClientType.ID?
    public let latitude: Double
    public let longitude: Double
    public let lastVisitAt: Date?
}

/// What the heat map colours by: the company's thresholds, optionally only visits since a date.
public struct RecencyRule: Sendable, Hashable {
    public let settings: MapSettings
    public let recentSince: Date
    public let mediumSince: Date
    /// Visits before this do not count (the client is "not visited in the period").
    public let visitsFrom: Date?

    public init(settings: MapSettings, now: Date, visitsFrom: Date? = nil) {
        self.settings = settings
        recentSince = now.addingTimeInterval(-Double(settings.recentDays) * 86_400)
        mediumSince = now.addingTimeInterval(-Double(settings.mediumDays) * 86_400)
        self.visitsFrom = visitsFrom
    }
}

/// The maps (seed 000): clients with coordinates grouped into a grid over the
/// view — one query whatever the portfolio size — with the client list's
/// filters and scope, and the heat map's visit recency per cell.
public struct MapStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func settings() async throws -> MapSettings {
        try await database.read { session in
            let row = try await session.first("SELECT * FROM map_settings WHERE id = 1")!
            return MapSettings(recentDays: Int(try row.int("recent_days")), mediumDays: Int(try row.int("medium_days")),
                               tileURL: try row.optString("tile_url"), geocoderURL: try row.optString("geocoder_url"),
                               version: try row.int("version"))
        }
    }

    public func saveSettings(_ settings: MapSettings, expectedVersion: Int64, by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        let settings = try settings.validated()
        let before = try await self.settings()
        try await database.write { session in
            guard try await session.first("SELECT version FROM map_settings WHERE id = 1")!.int("version") == expectedVersion else {
                throw StoreError.versionConflict(current: before.version)
            }
            try await session.run("""
                UPDATE map_settings SET recent_days = \(bind: settings.recentDays), medium_days = \(bind: settings.mediumDays),
                    tile_url = \(bind: settings.tileURL), geocoder_url = \(bind: settings.geocoderURL), version = version + 1 WHERE id = 1
                """)
            let flat = { (s: MapSettings) in
                ["recentDays": String(s.recentDays), "mediumDays": String(s.mediumDays), "tileUrl": s.tileURL ?? "", "geocoderUrl": s.geocoderURL ?? ""]
            }
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "map_settings", entityID: 1, clientID: nil,
                                      action: "update", changes: AuditLog.diff(flat(before), flat(settings)))
        }
    }

    /// The box around every client of the list that has coordinates; nil when none has.
    public func bounds(_ query: ClientQuery, scope: ClientScope) async throws -> GeoBox? {
        try await database.read { session in
            // For a viewer who sees every client, unfiltered: each edge by a query of its own, which
            // reads one end of an index (`clients_coordinates` for the latitudes, `clients_longitude`)
            // and stops at the first row of the archived choice. The four in one query read every
            // client with coordinates (0.3 s at a million on PostgreSQL). Not under a scope, filter
            // or search: an edge's walk then reads rows until one passes, all of them when none does
            // (4 s for a seller without clients on the map).
            let from = Self.from(session, query), predicate = Self.predicate(session, query, scope)
            let edges = [("s", "MIN(c.latitude)"), ("w", "MIN(c.longitude)"), ("n", "MAX(c.latitude)"), ("e", "MAX(c.longitude)")]
            let located: SQLQueryString = "FROM \(from) WHERE \(predicate) AND c.latitude IS NOT NULL"
            let row = try await session.first(scope == .all && query.filters.isEmpty && query.search == nil
                ? "SELECT \(edges.map { "(SELECT \(unsafeRaw: $1) \(located)) AS \(unsafeRaw: $0)" as SQLQueryString }.joined(separator: ", "))"
                : "SELECT \(edges.map { "\(unsafeRaw: $1) AS \(unsafeRaw: $0)" as SQLQueryString }.joined(separator: ", ")) \(located)")!
            guard let s = try row.double("s"), let w = try row.double("w"), let n = try row.double("n"), let e = try row.double("e") else { return nil }
            return GeoBox(south: s, west: w, north: n, east: e)
        }
    }

    /// The list's clients inside `box`, grouped into `columns` × `rows` cells; a cell of one client carries its pin.
    public func cells(_ query: ClientQuery, scope: ClientScope, box: GeoBox, columns: Int, rows: Int, rule: RecencyRule) async throws -> [MapCell] {
        let cellLon = max((box.east - box.west) / Double(columns), 1e-9)
        let cellLat = max((box.north - box.south) / Double(rows), 1e-9)
        return try await database.longRead { session in
            // Each colour counted by its range of last visits (as `summary` does): a colour
            // computed as text for every client and compared three times was a fifth of the
            // grid's time over a million clients on PostgreSQL.
            let counts = Self.recencyRanges(session, rule).filter { $0.0 != .never }.map { recency, range -> SQLQueryString in
                "SUM(CASE WHEN \(range) THEN 1 ELSE 0 END) AS \(ident: recency.rawValue)"
            }
            // Grouped by hashing into the grid's few hundred cells. The kept statement's generic
            // plan guesses 25 rows from the box's ranges and groups by sorting them: at the widest
            // view a million rows sorted on disk, 1.0 s against 0.6 s (PostgreSQL, a million clients).
            let found = try await session.withPlannerSetting("enable_sort", "off") { try await session.rows("""
                SELECT \(Self.floor(session, "(c.longitude - \(bind: box.west)) / \(bind: cellLon)")) AS gx,
                    \(Self.floor(session, "(c.latitude - \(bind: box.south)) / \(bind: cellLat)")) AS gy,
                    COUNT(*) AS n, AVG(c.latitude) AS lat, AVG(c.longitude) AS lon, MIN(c.id) AS first_id,
                    \(counts.joined(separator: ", "))
                FROM \(Self.from(session, query))
                WHERE \(Self.predicate(session, query, scope)) AND c.latitude IS NOT NULL AND \(Self.inside(box))
                GROUP BY 1, 2
                """) }
            var cells: [MapCell] = []
            var singles: [Int64: Int] = [:]
            for row in found {
                let n = Int(try row.int("n")), recent = Int(try row.int("recent")), medium = Int(try row.int("medium")), old = Int(try row.int("old"))
                if n == 1 { singles[try row.int("first_id")] = cells.count }
                cells.append(MapCell(count: n, latitude: try row.double("lat") ?? 0, longitude: try row.double("lon") ?? 0,
                                     recency: [.recent: recent, .medium: medium, .old: old, .never: n - recent - medium - old]))
            }
            guard !singles.isEmpty else { return cells }
            for row in try await session.rows("""
                SELECT c.id, c.client_number, c.legal_name, c.trade_name, c.client_type_id, c.latitude, c.longitude, c.last_visit_at
                FROM clients c WHERE c.id IN (\(binds: singles.keys.sorted()))
                """) {
                let id = try row.int("id")
                cells[singles[id]!].pin = MapPin(
                    id: Client.ID(id), number: try row.int("client_number"), name: try row.optString("trade_name") ?? row.string("legal_name"),
                    typeID: try row.optID("client_type_id"), latitude: try row.double("latitude") ?? 0, longitude: try row.double("longitude") ?? 0,
                    lastVisitAt: try row.optInstant("last_visit_at"))
            }
            return cells
        }
    }

    /// How many of the list's clients with coordinates fall in each colour, and how many have no coordinates.
    public func summary(_ query: ClientQuery, scope: ClientScope, rule: RecencyRule) async throws -> (recency: [VisitRecency: Int], withoutCoordinates: Int) {
        try await database.read { session in
            let from = Self.from(session, query), predicate = Self.predicate(session, query, scope)
            // One range count per colour over `clients_recency` (last visit, archived) instead of one
            // CASE per client: counting a range of index entries is several times cheaper.
            let ranges = Self.recencyRanges(session, rule)
            let counts = ranges.map { recency, range -> SQLQueryString in
                "(SELECT COUNT(*) FROM \(from) WHERE \(predicate) AND c.latitude IS NOT NULL AND (\(range))) AS \(ident: recency.rawValue)"
            }
            let row = try await session.first("SELECT \(counts.joined(separator: ", "))")!
            var out: [VisitRecency: Int] = [:]
            for (recency, _) in ranges {
                let n = Int(try row.int(recency.rawValue))
                if n > 0 { out[recency] = n }
            }
            let without = try await session.first("SELECT COUNT(*) AS n FROM \(from) WHERE \(predicate) AND c.latitude IS NULL")!.int("n")
            return (out, Int(without))
        }
    }

    /// The list's clients with coordinates in one colour, least recently visited first (the printable list; all of them without a limit).
    public func clients(_ query: ClientQuery, scope: ClientScope, recency: VisitRecency, rule: RecencyRule, limit: Int? = nil,
                        _ each: @escaping @Sendable (Client) -> Void) async throws {
        try await database.longRead { session in
            let range = Self.recencyRanges(session, rule).first { $0.0 == recency }!.1
            try await session.stream("""
                SELECT \(ClientSQL.columns(session)) FROM \(Self.from(session, query))
                WHERE \(Self.predicate(session, query, scope)) AND c.latitude IS NOT NULL AND (\(range))
                ORDER BY c.last_visit_at IS NOT NULL, c.last_visit_at, c.id \(limit.map { "LIMIT \(literal: $0)" as SQLQueryString } ?? "")
                """) { row in
                if let client = try? ClientSQL.client(row) { each(client) }
            }
        }
    }

    // MARK: SQL

    static func from(_ session: Session, _ query: ClientQuery) -> SQLQueryString {
        ClientStore.from(session, query.search.flatMap(SearchQuery.init), query.archived)
    }

    static func predicate(_ session: Session, _ query: ClientQuery, _ scope: ClientScope) -> SQLQueryString {
        ClientStore.conditions(session, query, scope).map { "(\($0))" as SQLQueryString }.joined(separator: " AND ")
    }

    static func inside(_ box: GeoBox) -> SQLQueryString {
        "c.latitude BETWEEN \(bind: box.south) AND \(bind: box.north) AND c.longitude BETWEEN \(bind: box.west) AND \(bind: box.east)"
    }

    /// The colours as ranges of `c`'s last visit under the rule, one each, together every client:
    /// a visit before the rule's period counts as none. The grid, the legend and the printable
    /// list all read them, so a colour is defined once.
    static func recencyRanges(_ session: Session, _ rule: RecencyRule) -> [(VisitRecency, SQLQueryString)] {
        let counted: SQLQueryString = rule.visitsFrom.map { " AND c.last_visit_at >= \(session.instant($0))" } ?? ""
        let notCounted: SQLQueryString = rule.visitsFrom.map { " OR c.last_visit_at < \(session.instant($0))" } ?? ""
        let recent = session.instant(rule.recentSince), medium = session.instant(rule.mediumSince)
        return [
            (.recent, "c.last_visit_at >= \(recent)\(counted)"),
            (.medium, "c.last_visit_at >= \(medium) AND c.last_visit_at < \(recent)\(counted)"),
            (.old, "c.last_visit_at < \(medium)\(counted)"),
            (.never, "c.last_visit_at IS NULL\(notCounted)"),
        ]
    }

    /// The whole part of a non-negative number (SQLite truncates a cast; PostgreSQL rounds one).
    static func floor(_ session: Session, _ expression: SQLQueryString) -> SQLQueryString {
        switch session.kind {
        case .sqlite: "CAST(\(expression) AS INTEGER)"
        case .postgres: "CAST(FLOOR(\(expression)) AS BIGINT)"
        }
    }
}
