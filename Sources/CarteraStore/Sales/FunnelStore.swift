import CarteraCore
import Foundation
import SQLKit

/// What the funnel looks at: the filters of seed 003's search panel.
public struct FunnelQuery: Sendable, Hashable {
    public var projectID: SalesProject.ID?
    public var stageID: SalesStage.ID?
    public var subgroupID: SalesSubgroup.ID?
    public var responsible: PersonFilter
    public var entryType: EntryType?
    /// `[from, to)`: when the lead entered (lead phase) or the record happened (the others).
    public var from: Date?
    public var to: Date?

    public init(projectID: SalesProject.ID? = nil, stageID: SalesStage.ID? = nil, subgroupID: SalesSubgroup.ID? = nil,
                responsible: PersonFilter = .anyone, entryType: EntryType? = nil, from: Date? = nil, to: Date? = nil) {
        self.projectID = projectID; self.stageID = stageID; self.subgroupID = subgroupID; self.responsible = responsible
        self.entryType = entryType; self.from = from; self.to = to
    }
}

/// The counts of one phase: its records, by status and by channel category.
public struct FunnelPhaseCounts: Sendable, Hashable {
    public let phase: FunnelPhase
    public let total: Int
    /// Lead and quote phases: `not_contacted`, `to_contact`, `contacted`, `aborted`, `discarded`;
    /// reservations: a reservation status id; contracts: `contract`, `disbursement`.
    public let statuses: [String: Int]
    public let categories: [SalesChannel.Category: Int]
}

/// Which rows of a phase the table shows.
public struct FunnelTableQuery: Sendable, Hashable {
    public var funnel: FunnelQuery
    public var phase: FunnelPhase
    /// One of the phase's status keys (see `FunnelPhaseCounts.statuses`); nil for all.
    public var status: String?
    /// Name, national id, phone or e-mail.
    public var search: String?
    public var limit: Int
    public var offset: Int

    public init(funnel: FunnelQuery, phase: FunnelPhase, status: String? = nil, search: String? = nil, limit: Int = 100, offset: Int = 0) {
        self.funnel = funnel; self.phase = phase; self.status = status; self.search = search
        self.limit = max(1, min(limit, 500)); self.offset = max(0, offset)
    }
}

/// The funnel (seed 003): counts of records per phase — lead files still at
/// the lead phase, every quote, every reservation, every contract and
/// disbursement — and the table of lead files behind each, all under the
/// leads' scope.
///
/// A lead (or quote) is *contacted* once a follow-up was recorded after it;
/// until then it is *to contact* within the company's deadline (hours after
/// it happened) and *not contacted* past it.
public struct FunnelStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func counts(_ query: FunnelQuery, by viewer: Viewer) async throws -> [FunnelPhaseCounts] {
        let now = clock.now()
        return try await database.read { session in
            let hours = try await SalesCatalogueStore.settings(session).contactDeadlineHours
            let threshold = now.addingTimeInterval(-Double(hours) * 3600)
            var out: [FunnelPhaseCounts] = []
            for phase in FunnelPhase.allCases {
                let rows = try await session.rows("""
                    SELECT \(Self.bucket(session, phase, threshold: threshold)) AS bucket, COALESCE(ch.category, 'other') AS category,
                        COUNT(*) AS n
                    \(Self.records(session, phase, query, viewer: viewer))
                    GROUP BY 1, 2
                    """)
                var statuses: [String: Int] = [:], categories: [SalesChannel.Category: Int] = [:], total = 0
                for row in rows {
                    let n = Int(try row.int("n"))
                    total += n
                    if let bucket = try row.optString("bucket") { statuses[bucket, default: 0] += n }
                    categories[SalesChannel.Category(rawValue: try row.string("category")) ?? .other, default: 0] += n
                }
                out.append(FunnelPhaseCounts(phase: phase, total: total, statuses: statuses, categories: categories))
            }
            return out
        }
    }

    /// The lead files behind a phase's records (those with a record in the chosen status), most recently active first.
    public func table(_ query: FunnelTableQuery, by viewer: Viewer) async throws -> [LeadListing] {
        let now = clock.now()
        return try await database.read { session in
            try await session.rows("""
                \(try await Self.tableSQL(session, query, viewer: viewer, now: now)) LIMIT \(literal: query.limit) OFFSET \(literal: query.offset)
                """).map(LeadStore.listing)
        }
    }

    /// The whole table of a phase, streamed (the download).
    public func export(_ query: FunnelTableQuery, by viewer: Viewer, _ each: @escaping @Sendable (LeadListing) -> Void) async throws {
        let now = clock.now()
        try await database.longRead { session in
            try await session.stream(try await Self.tableSQL(session, query, viewer: viewer, now: now)) { row in
                if let listing = try? LeadStore.listing(row) { each(listing) }
            }
        }
    }

    static func tableSQL(_ session: Session, _ query: FunnelTableQuery, viewer: Viewer, now: Date) async throws -> SQLQueryString {
        let hours = try await SalesCatalogueStore.settings(session).contactDeadlineHours
        let threshold = now.addingTimeInterval(-Double(hours) * 3600)
        var conditions: [SQLQueryString] = [LeadStore.visible(session, viewer)]
        if query.phase == .lead {
            conditions += ["l.phase = 'lead'"] + leadFilters(session, query.funnel, viewer: viewer)
            if let status = query.status { conditions.append("\(bucket(session, .lead, threshold: threshold)) = \(bind: status)") }
        } else {
            // The lead files with at least one record of the phase (in the status) under the filters.
            let status: SQLQueryString = query.status.map { "AND \(bucket(session, query.phase, threshold: threshold)) = \(bind: $0)" } ?? ""
            conditions.append("""
                EXISTS (SELECT 1 FROM sales_interactions i LEFT JOIN sales_channels ch ON ch.id = i.channel_id
                        WHERE i.lead_id = l.id AND \(recordFilters(session, query.phase, query.funnel, viewer: viewer)) \(status))
                """)
        }
        if let search = query.search.map({ Normalization.searchKey($0) }), !search.isEmpty {
            let digits = Normalization.digits(search)
            let compact = Normalization.compactKey(search)
            let email = query.search?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            conditions.append("""
                (c.name_key LIKE \(bind: "%\(search)%") OR c.tax_id_key LIKE \(bind: "%\(compact)%")
                 OR LOWER(c.emails) LIKE \(bind: "%\(email)%")
                 \(digits.count >= 4 ? "OR c.search_digits LIKE \(bind: "%\(digits)%")" as SQLQueryString : ""))
                """)
        }
        return "\(LeadStore.select) WHERE \(conditions.joined(separator: " AND ")) ORDER BY l.last_interaction_at DESC, l.id DESC"
    }

    /// The records a phase counts, joined to their lead `l`, client `c` and channel `ch`, filtered and scoped.
    static func records(_ session: Session, _ phase: FunnelPhase, _ query: FunnelQuery, viewer: Viewer) -> SQLQueryString {
        if phase == .lead {
            let conditions = ["l.phase = 'lead'", LeadStore.visible(session, viewer)] + leadFilters(session, query, viewer: viewer)
            return """
                FROM sales_leads l JOIN clients c ON c.id = l.client_id LEFT JOIN sales_channels ch ON ch.id = l.channel_id
                WHERE \(conditions.joined(separator: " AND "))
                """
        }
        return """
            FROM sales_interactions i JOIN sales_leads l ON l.id = i.lead_id JOIN clients c ON c.id = l.client_id
            LEFT JOIN sales_channels ch ON ch.id = i.channel_id
            WHERE \(recordFilters(session, phase, query, viewer: viewer)) AND \(LeadStore.visible(session, viewer))
            """
    }

    /// The status of a record: for lead files and quotes, whether (and in time) they were contacted.
    static func bucket(_ session: Session, _ phase: FunnelPhase, threshold: Date) -> SQLQueryString {
        switch phase {
        case .lead:
            """
            CASE WHEN l.state <> 'open' THEN l.state WHEN l.last_contact_at IS NOT NULL THEN 'contacted'
                 WHEN l.entered_at < \(session.instant(threshold)) THEN 'not_contacted' ELSE 'to_contact' END
            """
        case .quote:
            """
            CASE WHEN l.state <> 'open' THEN l.state WHEN l.last_contact_at >= i.occurred_at THEN 'contacted'
                 WHEN i.occurred_at < \(session.instant(threshold)) THEN 'not_contacted' ELSE 'to_contact' END
            """
        case .reservation: "CAST(i.reservation_status_id AS TEXT)"
        case .contract: "i.kind"
        }
    }

    /// The funnel's filters on lead files (`l`, entered in the period) or on records (`i`, happened in it);
    /// the responsible is always the lead file's.
    static func filters(_ session: Session, _ q: FunnelQuery, on alias: String, viewer: Viewer) -> [SQLQueryString] {
        let column = { (name: String) -> SQLQueryString in "\(unsafeRaw: alias).\(unsafeRaw: name)" }
        let date = column(alias == "l" ? "entered_at" : "occurred_at")
        var out: [SQLQueryString] = []
        if let p = q.projectID { out.append("\(column("project_id")) = \(bind: p.rawValue)") }
        if let s = q.stageID { out.append("\(column("stage_id")) = \(bind: s.rawValue)") }
        if let g = q.subgroupID { out.append("\(column("subgroup_id")) = \(bind: g.rawValue)") }
        if let person = q.responsible.condition("l.responsible_id", viewer: viewer) { out.append(person) }
        if let e = q.entryType { out.append("\(column("entry_type")) = \(bind: e.rawValue)") }
        if let from = q.from { out.append("\(date) >= \(session.instant(from))") }
        if let to = q.to { out.append("\(date) < \(session.instant(to))") }
        return out
    }

    static func leadFilters(_ session: Session, _ q: FunnelQuery, viewer: Viewer) -> [SQLQueryString] {
        filters(session, q, on: "l", viewer: viewer)
    }

    static func recordFilters(_ session: Session, _ phase: FunnelPhase, _ q: FunnelQuery, viewer: Viewer) -> SQLQueryString {
        (["i.kind IN (\(binds: phase.kinds.map(\.rawValue)))"] + filters(session, q, on: "i", viewer: viewer)).joined(separator: " AND ")
    }
}
