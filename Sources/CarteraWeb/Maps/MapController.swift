import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// The client map and the visit-recency heat map (seed 000, "Vistas de Mapa"):
/// an SVG drawn by the server in Web Mercator, over tiles when a tile server
/// is configured and over a plain graticule otherwise, with the client list's
/// filters, zoom and pan as links, clusters where clients crowd, and the
/// printable list of the clients of one colour.
struct MapController {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.map.route) { request, context in try await self.page(request, context) }
        group.get(SiteURL.mapList.route) { request, context in try await self.list(request, context) }
        group.get(SiteURL.mapListExport.route) { request, context in try await self.export(request, context) }
    }

    /// Grid cells are about this many pixels across; a cell of several clients is drawn as a cluster.
    static let cellPixels = 48.0
    /// The printable list shows at most this many clients; the download has every one.
    static let listLimit = 2000
    static let colours: [VisitRecency: String] = [.recent: "#2e7d32", .medium: "#f9a825", .old: "#c62828", .never: "#6b7280"]
    /// Parameters that place the view (kept apart from the list's filters).
    static let viewKeys = ["z", "lat", "lon"]

    struct Reading {
        let form: FormData
        let heat: Bool
        let query: ClientQuery
        let rule: RecencyRule
        let settings: MapSettings
        let lookups: Lookups
        let errors: [String]
    }

    func read(_ request: Request, _ context: SignedInContext) async throws -> Reading {
        let form = FormData.query(request)
        let lookups = try await Lookups.load(env.stores)
        let settings = try await env.stores.maps.settings()
        var errors: [String] = []
        var visitsFrom: Date?
        if let text = form.text("visitsFrom") {
            visitsFrom = LocalDateTime.dayRange(from: text, to: nil, timeZone: context.timeZone).from
            if visitsFrom == nil { errors.append(env.translator.message(for: FieldError("visitsFrom", "invalid_date"), context.language)) }
        }
        var query = ClientListQuery(form: form).storeQuery(lookups, pageSize: 1)
        query.filters.removeAll { if case .hasCoordinates = $0 { true } else { false } }
        return Reading(form: form, heat: form["mode"] == "heat", query: query,
                        rule: RecencyRule(settings: settings, now: env.clock.now(), visitsFrom: visitsFrom), settings: settings,
                        lookups: lookups, errors: errors)
    }

    // MARK: The map

    struct Page: Encodable {
        typealias Marker = MapCanvas.Marker
        struct Legend: Encodable { let label: String; let colour: String; let count: Int; let url: String }
        typealias Nav = MapCanvas.Nav
        let heat: Bool
        let title: String
        let canvas: MapCanvas
        let nav: [Nav]
        let legend: [Legend]
        let withoutCoordinates: Int
        let withoutURL: String
        let mapURL: String
        let heatURL: String
        let q: String
        let types: [Option], groups: [Option], branches: [Option], agents: [Option]
        let visitsFrom: String
        let thresholds: String
        let errors: [String]
        let empty: Bool
    }

    func page(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let read = try await read(request, context)
        let t = env.t(context.language)
        let maps = env.stores.maps
        let scope = context.clientScope
        let view: MapView
        if let requested = MapCanvas.requestedView(read.form) {
            view = requested
        } else if let box = try await maps.bounds(read.query, scope: scope) {
            view = .fitting(box)
        } else {
            view = MapCanvas.overview
        }
        let columns = Int(view.width / Self.cellPixels), rows = Int(view.height / Self.cellPixels)
        async let cells = maps.cells(read.query, scope: scope, box: view.box, columns: columns, rows: rows, rule: read.rule)
        async let summary = maps.summary(read.query, scope: scope, rule: read.rule)
        let types = Dictionary(uniqueKeysWithValues: read.lookups.types.map { ($0.id, $0) })
        let link = { (v: MapView) in url(read.form, view: v) }
        let markers = Self.separated(try await cells, in: view).map { cell -> Page.Marker in
            let (x, y) = view.point(latitude: cell.latitude, longitude: cell.longitude)
            if let pin = cell.pin {
                let type = pin.typeID.flatMap { types[$0] }
                let recency = cell.dominant
                let visit = pin.lastVisitAt.map { "\(t["map_last_visit"] ?? ""): \(env.dateTime($0, context))" } ?? (t["map_never_visited"] ?? "")
                return Page.Marker(href: SiteURL.client(pin.id).path, title: "\(pin.number) · \(pin.name) — \(visit)", x: Int(x), y: Int(y), r: 10,
                                   fill: read.heat ? Self.colours[recency]! : type?.color ?? "#0b5cad", count: nil,
                                   icon: read.heat ? nil : "icon-\(type?.icon ?? "pin")", never: read.heat && recency == .never)
            }
            let zoomed = MapView(zoom: view.zoom + 2, centerLatitude: cell.latitude, centerLongitude: cell.longitude)
            return Page.Marker(href: link(zoomed), title: env.translator.plural("clients_count", count: cell.count, context.language),
                               x: Int(x), y: Int(y), r: Self.radius(cell),
                               fill: read.heat ? Self.colours[cell.dominant]! : "#0b5cad", count: String(cell.count), icon: nil,
                               never: false)
        }
        let (recency, without) = try await summary
        let listQuery = FormData.encode(pairs: read.form.pairs.filter { !Self.viewKeys.contains($0.0) && $0.0 != "mode" })
        let v = read.form, any = t["any"] ?? ""
        let page = Page(
            heat: read.heat, title: t[read.heat ? "heat_title" : "map_title"] ?? "",
            canvas: MapCanvas(view: view, settings: read.settings, markers: markers, title: t[read.heat ? "heat_title" : "map_title"] ?? "", t: t),
            nav: MapCanvas.navigation(view, t: t, link: link) + [Page.Nav(label: t["map_fit"] ?? "", url: url(read.form, view: nil), key: "⤢")],
            legend: read.heat ? VisitRecency.allCases.map { r in
                Page.Legend(label: Self.legendLabel(r, read.settings, t), colour: Self.colours[r]!, count: recency[r] ?? 0,
                            url: "\(SiteURL.mapList.path)?recency=\(r.rawValue)&\(listQuery)")
            } : [],
            withoutCoordinates: without, withoutURL: "\(SiteURL.clients.path)?coords=no&\(listQuery)",
            mapURL: url(read.form, view: nil, mode: nil), heatURL: url(read.form, view: nil, mode: "heat"),
            q: v["q"] ?? "", types: Option.list(read.lookups.types.map { ($0.id, $0.name) }, selected: v["type"], emptyLabel: any),
            groups: Option.list(read.lookups.groups.map { ($0.id, $0.name) }, selected: v["group"], emptyLabel: any),
            branches: Option.list(read.lookups.branches.map { ($0.id, $0.name) }, selected: v["branch"], emptyLabel: any),
            agents: Option.list(read.lookups.users.map { ($0.id, $0.name) }, selected: v["agent"], emptyLabel: any),
            visitsFrom: read.form["visitsFrom"] ?? "",
            thresholds: env.translator.text("heat_thresholds", context.language,
                                            ["recent": String(read.settings.recentDays), "medium": String(read.settings.mediumDays)]),
            errors: read.errors, empty: recency.values.reduce(0, +) == 0)
        return try env.render("map", request, context, title: page.title, section: .map, page)
    }

    static func radius(_ cell: MapCell) -> Int { cell.pin != nil ? 10 : 14 + Int(4 * log10(Double(cell.count))) }

    /// Cells whose markers would overlap on screen merged into one cluster, the biggest first.
    static func separated(_ cells: [MapCell], in view: MapView) -> [MapCell] {
        var out: [(cell: MapCell, x: Double, y: Double)] = []
        for cell in cells.sorted(by: { $0.count > $1.count }) {
            let (x, y) = view.point(latitude: cell.latitude, longitude: cell.longitude)
            if let index = out.firstIndex(where: { hypot($0.x - x, $0.y - y) < Double(radius($0.cell) + radius(cell)) }) {
                let merged = out[index].cell.merged(with: cell)
                let p = view.point(latitude: merged.latitude, longitude: merged.longitude)
                out[index] = (merged, p.x, p.y)
            } else {
                out.append((cell, x, y))
            }
        }
        return out.map(\.cell)
    }

    static func legendLabel(_ r: VisitRecency, _ s: MapSettings, _ t: [String: String]) -> String {
        (t["heat_\(r.rawValue)"] ?? r.rawValue).replacingOccurrences(of: "{recent}", with: String(s.recentDays))
            .replacingOccurrences(of: "{medium}", with: String(s.mediumDays))
    }

    /// This page's address with another view (nil: fit to the clients) or mode.
    func url(_ form: FormData, view: MapView?, mode: String?? = .none) -> String {
        var pairs = form.pairs.filter { !Self.viewKeys.contains($0.0) && (mode == .none || $0.0 != "mode") }
        if case .some(let chosen) = mode, let chosen { pairs.append(("mode", chosen)) }
        if let view {
            pairs += [("z", String(view.zoom)), ("lat", String(format: "%.5f", view.centerLatitude)), ("lon", String(format: "%.5f", view.centerLongitude))]
        }
        return "\(SiteURL.map.path)?\(FormData.encode(pairs: pairs))"
    }

    // MARK: The printable list of one colour

    struct ListPage: Encodable {
        struct Row: Encodable { let number: Int64; let url: String; let name: String; let city: String; let type: String; let lastVisit: String; let days: String }
        let title: String
        let colour: String
        let print: PrintHeader
        let rows: [Row]
        let empty: Bool
        /// More clients than the page shows: the download has them all.
        let truncated: String?
        let exportXLSX: String?
        let backURL: String
    }

    func recencyParameter(_ form: FormData) throws -> VisitRecency {
        guard let recency = VisitRecency(rawValue: form["recency"] ?? "") else { throw ValidationFailure([FieldError("recency", "invalid_choice")]) }
        return recency
    }

    func list(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let read = try await read(request, context)
        let recency = try recencyParameter(read.form)
        let t = env.t(context.language)
        let now = env.clock.now()
        let collected = Collected()
        try await env.stores.maps.clients(read.query, scope: context.clientScope, recency: recency, rule: read.rule, limit: Self.listLimit + 1) {
            collected.add($0)
        }
        let rows = collected.items.prefix(Self.listLimit).map { client in
            let visit = client.lastVisitAt
            return ListPage.Row(number: client.clientNumber, url: SiteURL.client(client.id).path, name: client.displayName,
                                city: client.draft.address.city ?? "", type: read.lookups.typeName(client.draft.clientTypeID) ?? "",
                                lastVisit: visit.map { env.dateTime($0, context) } ?? (t["map_never_visited"] ?? ""),
                                days: visit.map { String(Int(now.timeIntervalSince($0) / 86_400)) } ?? "—")
        }
        let filtersText = Self.describe(read, t: t, language: context.language)
        // The list's filters, without the colour: the download adds it back, the way back to the map does not.
        let filters = FormData.encode(pairs: read.form.pairs.filter { $0.0 != "recency" })
        let page = ListPage(
            title: Self.legendLabel(recency, read.settings, t), colour: Self.colours[recency]!,
            print: try await PrintHeader.make(env, context, title: "\(t["heat_title"] ?? "") — \(Self.legendLabel(recency, read.settings, t))",
                                              filters: filtersText),
            rows: Array(rows), empty: rows.isEmpty,
            truncated: collected.items.count > Self.listLimit
                ? env.translator.text("map_list_truncated", context.language, ["count": String(Self.listLimit)]) : nil,
            exportXLSX: context.viewer.can(.exportData) ? "\(SiteURL.mapListExport.path)?format=xlsx&recency=\(recency.rawValue)&\(filters)" : nil,
            backURL: "\(SiteURL.map.path)?mode=heat&\(filters)")
        return try env.render("map-list", request, context, title: page.title, section: .map, page)
    }

    func export(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.exportData)
        let read = try await read(request, context)
        let recency = try recencyParameter(read.form)
        let format = try SheetFormat.requested(read.form)
        let t = env.t(context.language)
        let now = env.clock.now()
        let sheet = SheetExport(columns: ["column_number", "column_legalName", "column_city", "column_type", "map_last_visit", "map_days"]
                                    .map { SheetColumn(t[$0] ?? $0) },
                                sheetName: Self.legendLabel(recency, read.settings, t), timeZone: context.timeZone, format: format, options: read.form)
        let maps = env.stores.maps, scope = context.clientScope, lookups = read.lookups
        let file = try await sheet.write({ emit in
            try await maps.clients(read.query, scope: scope, recency: recency, rule: read.rule) { emit($0) }
        }) { (client: Client) -> [SheetCell?] in
            let visit = client.lastVisitAt
            return [.integer(client.clientNumber), .text(client.displayName), client.draft.address.city.map { .text($0) },
                    lookups.typeName(client.draft.clientTypeID).map { .text($0) }, visit.map { .dateTime($0) },
                    visit.map { .integer(Int64(now.timeIntervalSince($0) / 86_400)) }]
        }
        return download(file, filename: "\(env.translator.text("export_heat_filename", context.language))-\(recency.rawValue).\(format.rawValue)",
                        format: format)
    }

    /// The filters in words, for the printed header.
    static func describe(_ read: Reading, t: [String: String], language: Language) -> String {
        let f = read.form
        var parts: [String] = []
        if let q = f.text("q") { parts.append("“\(q)”") }
        if let type = read.lookups.typeName(ClientType.ID(string: f["type"])) { parts.append("\(t["column_type"] ?? ""): \(type)") }
        if let group = read.lookups.groupName(ClientGroup.ID(string: f["group"])) { parts.append("\(t["column_group"] ?? ""): \(group)") }
        if let branch = read.lookups.branchName(Branch.ID(string: f["branch"])) { parts.append("\(t["column_branch"] ?? ""): \(branch)") }
        if let agent = read.lookups.userName(User.ID(string: f["agent"])) { parts.append("\(t["column_salesAgent"] ?? ""): \(agent)") }
        if let from = f.text("visitsFrom") { parts.append("\(t["field_visitsFrom"] ?? ""): \(from)") }
        return parts.isEmpty ? (t["map_all_clients"] ?? "") : parts.joined(separator: " · ")
    }
}

/// Rows handed over by a streaming read, kept for one page.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var items: [Client] = []
    func add(_ client: Client) { lock.withLock { items.append(client) } }
}
