import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// The home page: what needs the user today — their follow-ups due today and
/// overdue, their open work orders, the funnel of the leads they see, and the
/// clients nobody has visited for long — each a link to the full list.
struct DashboardController {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.home.route) { request, context in try await self.page(request, context) }
    }

    struct Page: Encodable {
        struct Tile: Encodable { let label: String; let count: Int; let url: String; let tone: String }
        struct Section: Encodable { let title: String; let tiles: [Tile] }
        let sections: [Section]
    }

    func page(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let t = env.t(context.language)
        let stores = env.stores, viewer = context.viewer
        async let followUps = stores.followUps.counts(responsible: .me, by: viewer, timeZone: context.timeZone)
        async let orders = stores.workOrders.count(WorkOrderQuery(statuses: [.open, .inProgress], assignee: .me), by: viewer)
        async let funnel = stores.funnel.counts(FunnelQuery(), by: viewer)
        async let settings = stores.maps.settings()
        let rule = RecencyRule(settings: try await settings, now: env.clock.now())
        let recency = try await stores.maps.summary(ClientQuery(), scope: context.clientScope, rule: rule).recency
        let dues = try await followUps
        let phases = try await funnel
        let notContacted = phases.first { $0.phase == .lead }?.statuses["not_contacted"] ?? 0
        let page = Page(sections: [
            .init(title: t["dashboard_today"] ?? "", tiles: [
                .init(label: t["dashboard_followups_today"] ?? "", count: dues[.today] ?? 0, url: "\(SiteURL.followUps.path)?tab=today", tone: ""),
                .init(label: t["dashboard_followups_overdue"] ?? "", count: dues[.overdue] ?? 0, url: "\(SiteURL.followUps.path)?tab=overdue",
                      tone: (dues[.overdue] ?? 0) > 0 ? "alert" : ""),
                .init(label: t["dashboard_open_orders"] ?? "", count: try await orders, url: "\(SiteURL.workOrders.path)?person=me&status=pending",
                      tone: ""),
            ]),
            .init(title: t["funnel_title"] ?? "", tiles: phases.map {
                .init(label: t["funnel_phase_\($0.phase.rawValue)"] ?? "", count: $0.total, url: "\(SiteURL.funnel.path)?phase=\($0.phase.rawValue)",
                      tone: "")
            } + [.init(label: t["funnel_status_not_contacted"] ?? "", count: notContacted,
                       url: "\(SiteURL.funnel.path)?phase=lead&status=not_contacted", tone: notContacted > 0 ? "alert" : "")]),
            .init(title: t["dashboard_visits"] ?? "", tiles: [VisitRecency.old, .never].map { r in
                .init(label: MapController.legendLabel(r, rule.settings, t), count: recency[r] ?? 0,
                      url: "\(SiteURL.mapList.path)?recency=\(r.rawValue)", tone: (recency[r] ?? 0) > 0 ? "alert" : "")
            } + [.init(label: t["heat_title"] ?? "", count: recency.values.reduce(0, +), url: "\(SiteURL.map.path)?mode=heat", tone: "")]),
        ])
        return try env.render("dashboard", request, context, title: t["dashboard_title"] ?? "", section: .home, page)
    }
}
