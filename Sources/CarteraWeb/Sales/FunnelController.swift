import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// The funnel page (seed 003): filters, the funnel drawn as SVG with a count
/// per phase, the chosen phase's counts by status and channel category, and
/// the table of lead files behind it with its actions, column picker, search
/// and download of exactly what is shown.
struct FunnelController {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.funnel.route) { request, context in try await self.page(request, context) }
        group.get(SiteURL.funnelExport.route) { request, context in try await self.export(request, context) }
    }

    static let filterKeys = ["project", "stage", "subgroup", "person", "entry", "from", "to"]
    static let pageSize = 100

    /// A table column; the contact quality only exists in the lead phase (seed 003).
    enum Column: String, CaseIterable {
        case name, quality, lastInteraction, nationalId, phone, email, project, responsible, entered, lastContact
    }

    struct Reading {
        let query: FunnelTableQuery
        let values: [String: String]
        let columns: [Column]
        let errors: [String]
    }

    func read(_ form: FormData, _ context: SignedInContext) -> Reading {
        var values = (Self.filterKeys + ["phase", "status", "q", "offset"]).reduce(into: [String: String]()) { $0[$1] = form.text($1) ?? "" }
        if values["person"]!.isEmpty { values["person"] = "all" }
        let phase = FunnelPhase(rawValue: values["phase"]!) ?? .lead
        values["phase"] = phase.rawValue
        var funnel = FunnelQuery(projectID: SalesProject.ID(string: values["project"]), stageID: SalesStage.ID(string: values["stage"]),
                                 subgroupID: SalesSubgroup.ID(string: values["subgroup"]), responsible: PersonFilter(key: values["person"]!),
                                 entryType: EntryType(rawValue: values["entry"]!))
        let range = LocalDateTime.dayRange(from: values["from"], to: values["to"], timeZone: context.timeZone)
        (funnel.from, funnel.to) = (range.from, range.to)
        let errors = range.errors.map { env.translator.message(for: FieldError("dateFrom", $0.code), context.language) }
        let picked = form.all("col").compactMap(Column.init)
        let columns = (picked.isEmpty ? Column.allCases : picked).filter { $0 != .quality || phase == .lead }
        let query = FunnelTableQuery(funnel: funnel, phase: phase, status: values["status"]!.isEmpty ? nil : values["status"],
                                     search: values["q"], limit: Self.pageSize + 1, offset: Int(values["offset"]!) ?? 0)
        return Reading(query: query, values: values, columns: columns, errors: errors)
    }

    // MARK: The page

    struct Page: Encodable {
        struct Band: Encodable { let label: String; let count: Int; let url: String; let current: Bool; let points: String; let textY: Int }
        struct Count: Encodable { let label: String; let count: Int; let url: String?; let current: Bool }
        struct Header: Encodable { let label: String }
        struct Cell: Encodable { let text: String; let url: String?; let badge: String? }
        struct Action: Encodable { let label: String; let url: String; let external: Bool }
        struct Row: Encodable { let cells: [Cell]; let actions: [Action] }
        struct Hidden: Encodable { let name: String; let value: String }
        struct Pick: Encodable { let key: String; let label: String; let checked: Bool }
        let projects: [Option], stages: [Option], subgroups: [Option], people: [Option], entries: [Option]
        let values: [String: String]
        let errors: [String]
        let bands: [Band]
        let phaseLabel: String
        let statuses: [Count]
        let categories: [Count]
        let hidden: [Hidden]
        let picks: [Pick]
        let headers: [Header]
        let rows: [Row]
        let empty: Bool
        let qualityRule: String?
        let exportXLSX: String?
        let exportCSV: String?
        let previousURL: String?
        let nextURL: String?
        let newLeadURL: String?
    }

    func page(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = FormData.query(request)
        let read = read(form, context)
        let t = env.t(context.language)
        let stores = env.stores
        let viewer = context.viewer
        async let counts = stores.funnel.counts(read.query.funnel, by: viewer)
        async let found = stores.funnel.table(read.query, by: viewer)
        async let settings = stores.salesCatalogue.settings()
        let choices = try await FunnelChoices.load(env, context, values: read.values)
        let (phases, leads, videoTemplate) = try await (counts, found, settings)
        let phase = read.query.phase
        let columnQuery = read.columns.count == Column.allCases.filter({ $0 != .quality || phase == .lead }).count ? ""
            : read.columns.map { "&col=\($0.rawValue)" }.joined()
        let link = { (changes: [String: String?]) -> String in Self.url(read.values, changes) + columnQuery }
        let bands = phases.enumerated().map { index, c in
            Page.Band(label: t["funnel_phase_\(c.phase.rawValue)"] ?? c.phase.rawValue, count: c.total,
                      url: link(["phase": c.phase.rawValue, "status": nil, "offset": nil]), current: c.phase == phase,
                      points: Self.trapezoid(index, of: phases.count), textY: index * Self.bandHeight + Self.bandHeight / 2 + 6)
        }
        let current = phases.first { $0.phase == phase }
        let statusKeys = try await statusKeys(phase, t: t)
        let statuses = [Page.Count(label: t["funnel_status_all"] ?? "", count: current?.total ?? 0, url: link(["status": nil, "offset": nil]),
                                   current: read.query.status == nil)]
            + statusKeys.map { key, label in
                Page.Count(label: label, count: current?.statuses[key] ?? 0, url: link(["status": key, "offset": nil]),
                           current: read.query.status == key)
            }
        let categories = [Page.Count(label: t["funnel_status_all"] ?? "", count: current?.total ?? 0, url: nil, current: false)]
            + SalesChannel.Category.allCases.map {
                Page.Count(label: t["channel_category_\($0.rawValue)"] ?? $0.rawValue, count: current?.categories[$0] ?? 0, url: nil, current: false)
            }
        let shown = leads.prefix(Self.pageSize)
        let offset = read.query.offset
        let canExport = context.viewer.can(.exportData)
        let exportQuery = FormData.encode(read.values.merging(["offset": ""]) { $1 }.filter { !$0.value.isEmpty })
            + read.columns.map { "&col=\($0.rawValue)" }.joined()
        let page = Page(
            projects: choices.projects, stages: choices.stages, subgroups: choices.subgroups, people: choices.people, entries: choices.entries,
            values: read.values, errors: read.errors, bands: bands,
            phaseLabel: t["funnel_phase_\(phase.rawValue)"] ?? "", statuses: statuses, categories: categories,
            hidden: read.values.filter { $0.key != "q" && $0.key != "offset" && !$0.value.isEmpty }.sorted { $0.key < $1.key }
                .map { Page.Hidden(name: $0.key, value: $0.value) },
            picks: Column.allCases.filter { $0 != .quality || phase == .lead }.map {
                Page.Pick(key: $0.rawValue, label: t["lead_column_\($0.rawValue)"] ?? $0.rawValue, checked: read.columns.contains($0))
            },
            headers: read.columns.map { Page.Header(label: t["lead_column_\($0.rawValue)"] ?? $0.rawValue) },
            rows: shown.map { row($0, columns: read.columns, phase: phase, videoTemplate: videoTemplate, t: t, context: context) },
            empty: shown.isEmpty, qualityRule: phase == .lead ? t["lead_quality_rule"] : nil,
            exportXLSX: canExport ? "\(SiteURL.funnelExport.path)?format=xlsx&\(exportQuery)" : nil,
            exportCSV: canExport ? "\(SiteURL.funnelExport.path)?format=csv&\(exportQuery)" : nil,
            previousURL: offset > 0 ? link(["offset": String(max(0, offset - Self.pageSize))]) : nil,
            nextURL: leads.count > Self.pageSize ? link(["offset": String(offset + Self.pageSize)]) : nil,
            newLeadURL: context.viewer.can(.editClients) ? SiteURL.newLead.path : nil)
        return try env.render("funnel", request, context, title: t["funnel_title"] ?? "", section: .funnel, page,
                              status: read.errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// The phase's status keys in the seed's order, with their labels.
    func statusKeys(_ phase: FunnelPhase, t: [String: String]) async throws -> [(String, String)] {
        let keys: [String] = switch phase {
        case .lead: ["not_contacted", "to_contact", "contacted", "aborted", "discarded"]
        case .quote: ["not_contacted", "to_contact", "contacted", "aborted"]
        case .reservation: []
        case .contract: ["contract", "disbursement"]
        }
        if phase == .reservation {
            return try await env.stores.salesCatalogue.reservationStatuses().map { ($0.id.description, $0.name) }
        }
        return keys.map { ($0, t["funnel_status_\($0)"] ?? $0) }
    }

    func row(_ l: LeadListing, columns: [Column], phase: FunnelPhase, videoTemplate: SalesSettings, t: [String: String],
             context: SignedInContext) -> Page.Row {
        let lead = l.lead
        let leadURL = SiteURL.lead(lead.id).path
        let cells = columns.map { column -> Page.Cell in
            switch column {
            case .name: Page.Cell(text: l.clientName, url: leadURL, badge: l.nationalID == nil ? t["lead_without_id"] : nil)
            case .quality: Page.Cell(text: t["lead_quality_\(l.quality.rawValue)"] ?? "", url: nil, badge: nil)
            case .lastInteraction: Page.Cell(text: t["interaction_kind_\(lead.phase.rawValue)"] ?? "", url: nil,
                                             badge: lead.state == .open ? nil : t["lead_state_\(lead.state.rawValue)"])
            case .nationalId: Page.Cell(text: l.nationalID ?? "", url: nil, badge: nil)
            case .phone: Page.Cell(text: l.phones.first ?? "", url: l.phones.first.map(Contactability.telURL), badge: nil)
            case .email: Page.Cell(text: l.emails.first ?? "", url: l.emails.first.map { "mailto:\($0)" }, badge: nil)
            case .project: Page.Cell(text: l.projectName, url: nil, badge: nil)
            case .responsible: Page.Cell(text: l.responsibleName, url: nil, badge: nil)
            case .entered: Page.Cell(text: env.dateTime(lead.enteredAt, context), url: nil, badge: nil)
            case .lastContact: Page.Cell(text: lead.lastContactAt.map { env.dateTime($0, context) } ?? "N/E", url: nil, badge: nil)
            }
        }
        return Page.Row(cells: cells, actions: LeadActions.available(l, phase: phase, settings: videoTemplate, t: t).map {
            Page.Action(label: $0.label, url: $0.url, external: $0.external)
        })
    }

    // MARK: The download

    func export(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.exportData)
        let form = FormData.query(request)
        let format = try SheetFormat.requested(form)
        let read = read(form, context)
        guard read.errors.isEmpty else { throw ValidationFailure([FieldError("dateFrom", "invalid_date")]) }
        let t = env.t(context.language)
        let columns = read.columns
        let sheet = SheetExport(columns: columns.map { SheetColumn(t["lead_column_\($0.rawValue)"] ?? $0.rawValue) },
                                sheetName: t["funnel_phase_\(read.query.phase.rawValue)"] ?? "", timeZone: context.timeZone, format: format,
                                options: form)
        let stores = env.stores, viewer = context.viewer
        var query = read.query
        query.offset = 0
        let file = try await sheet.write({ emit in try await stores.funnel.export(query, by: viewer, emit) }) { (l: LeadListing) -> [SheetCell?] in
            columns.map { column -> SheetCell? in
                switch column {
                case .name: .text(l.clientName)
                case .quality: .text(t["lead_quality_\(l.quality.rawValue)"] ?? "")
                case .lastInteraction: .text(t["interaction_kind_\(l.lead.phase.rawValue)"] ?? "")
                case .nationalId: l.nationalID.map { .text($0) }
                case .phone: l.phones.first.map { .text($0) }
                case .email: l.emails.first.map { .text($0) }
                case .project: .text(l.projectName)
                case .responsible: .text(l.responsibleName)
                case .entered: .dateTime(l.lead.enteredAt)
                case .lastContact: l.lead.lastContactAt.map { .dateTime($0) } ?? .text("N/E")
                }
            }
        }
        let name = env.translator.text("export_funnel_filename", context.language)
        return download(file, filename: "\(name)-\(read.query.phase.rawValue)-\(ClientsController.today(context)).\(format.rawValue)", format: format)
    }

    // MARK: Drawing

    static let bandHeight = 64
    static let width = 600

    /// Band `index` of a funnel of `count` bands: a trapezoid narrowing from 100 % to 40 % of the width.
    static func trapezoid(_ index: Int, of count: Int) -> String {
        let step = Double(width) * 0.6 / Double(count)
        let top = Double(width) - step * Double(index), bottom = top - step
        let y0 = index * bandHeight + 2, y1 = (index + 1) * bandHeight - 2
        let left = { (w: Double) in (Double(width) - w) / 2 }
        return "\(left(top)),\(y0) \(left(top) + top),\(y0) \(left(bottom) + bottom),\(y1) \(left(bottom)),\(y1)"
    }

    static func url(_ values: [String: String], _ changes: [String: String?]) -> String {
        var merged = values
        for (key, value) in changes { merged[key] = value ?? "" }
        return "\(SiteURL.funnel.path)?\(FormData.encode(merged.filter { !$0.value.isEmpty }))"
    }
}
