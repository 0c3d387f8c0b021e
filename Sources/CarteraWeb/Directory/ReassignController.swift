import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Changing the preferred sales agent or collector in bulk (seed 002): each
/// holder with their number of clients and a "replace with" choice.
struct ReassignController {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.reassign.route) { request, context in try await self.page(request, context) }
        group.post(SiteURL.reassign.route) { request, context in try await self.reassign(request, context) }
    }

    struct Page: Encodable {
        struct Row: Encodable { let name: String; let inactive: Bool; let count: Int; let from: String; let confirm: String }
        struct Tab: Encodable { let label: String; let url: String; let current: Bool }
        let tabs: [Tab]
        let role: String
        let rows: [Row]
        let empty: Bool
        let replacements: [Option]
    }

    func page(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.changeSalesAgent)
        let role = AgentRole(rawValue: FormData.query(request)["role"] ?? "") ?? .salesAgent
        let t = env.translator
        async let loads = env.stores.clients.agentLoads(role, by: context.viewer)
        let users = try await env.stores.users.all().filter(\.active)
        let rows = try await loads.map { load in
            Page.Row(name: load.name, inactive: !load.active, count: load.clients, from: load.userID.description,
                     confirm: t.text("reassign_confirm", context.language, [
                        "count": env.count(load.clients, context), "name": load.name]))
        }
        let page = Page(
            tabs: AgentRole.allCases.map {
                Page.Tab(label: t.text("reassign_tab_\($0.rawValue)", context.language),
                         url: "\(SiteURL.reassign.path)?role=\($0.rawValue)", current: $0 == role)
            },
            role: role.rawValue, rows: rows, empty: rows.isEmpty,
            // Nothing is chosen at first: a click without choosing must not unassign anyone.
            replacements: [Option(value: "", label: t.text("reassign_choose", context.language), selected: true)]
                + users.map { Option(value: $0.id.description, label: $0.name, selected: false) }
                + [Option(value: "none", label: t.text("reassign_nobody", context.language), selected: false)])
        return try env.render("reassign", request, context, title: t.text("reassign_title", context.language),
                              section: .clients, page)
    }

    func reassign(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.changeSalesAgent)
        let form = try await FormData.from(request)
        let role = AgentRole(rawValue: form["role"] ?? "") ?? .salesAgent
        let back = "\(SiteURL.reassign.path)?role=\(role.rawValue)"
        let t = env.translator
        guard let from = User.ID(string: form["from"]) else { return redirect(to: back) }
        guard let choice = form.text("to") else { return redirect(to: back, flash: t.text("reassign_choose_first", context.language)) }
        let to = choice == "none" ? nil : User.ID(string: choice)
        if to == nil && choice != "none" { return redirect(to: back, flash: t.text("reassign_choose_first", context.language)) }
        do {
            let changed = try await env.stores.clients.reassign(role, from: from, to: to, by: context.viewer)
            let names = try await env.stores.users.all()
            return redirect(to: back, flash: t.text("reassign_done", context.language, [
                "count": env.count(changed, context),
                "from": names.first { $0.id == from }?.name ?? "",
                "to": to.flatMap { id in names.first { $0.id == id }?.name } ?? t.text("reassign_nobody", context.language)]))
        } catch let failure as ValidationFailure {
            return redirect(to: back, flash: env.messages(failure, context.language).list.joined(separator: " "))
        }
    }
}
