import CarteraCore
import CarteraStore
import Foundation

/// The funnel's filter choices: only the viewer's projects, the chosen
/// project's stages, the chosen stage's subgroups, and the people whose leads
/// the viewer may look at (themselves, everyone under them, everyone working
/// a project they manage; everyone for admins and level 1).
struct FunnelChoices {
    let projects: [Option]
    let stages: [Option]
    let subgroups: [Option]
    let people: [Option]
    let entries: [Option]

    static func load(_ env: WebEnvironment, _ context: SignedInContext, values: [String: String]) async throws -> FunnelChoices {
        let t = env.t(context.language)
        let catalogue = env.stores.salesCatalogue
        let viewer = context.viewer
        let projects = try await catalogue.projects(of: viewer)
        let project = projects.first { $0.id.description == values["project"] }
        let stages = try await project.asyncMap { try await catalogue.stages(of: $0.id) } ?? []
        let stage = stages.first { $0.id.description == values["stage"] }
        let subgroups = try await stage.asyncMap { s in try await catalogue.subgroups(of: s.projectID).filter { $0.stageID == s.id } } ?? []
        let users = try await env.stores.users.all().filter(\.active)
        var visible = Set(viewer.teamIDs)
        if !(viewer.isAdmin || viewer.user.accessLevel == .company) {
            for managed in projects {
                let members = try await catalogue.members(of: managed.id)
                if members.contains(where: { $0.userID == viewer.id && $0.role == .manager }) { visible.formUnion(members.map(\.userID)) }
            }
        }
        let people = viewer.isAdmin || viewer.user.accessLevel == .company ? users : users.filter { visible.contains($0.id) }
        return FunnelChoices(
            projects: Option.list(projects.map { ($0.id, $0.name) }, selected: values["project"], emptyLabel: t["any"] ?? ""),
            stages: Option.list(stages.map { ($0.id, $0.name) }, selected: values["stage"], emptyLabel: t["any"] ?? ""),
            subgroups: Option.list(subgroups.map { ($0.id, $0.name) }, selected: values["subgroup"], emptyLabel: t["any"] ?? ""),
            people: Option.people(people, selected: values["person"] ?? "all", viewer: viewer, mine: t["activities_mine"] ?? "",
                                  everyone: t["followups_everyone"] ?? ""),
            entries: [Option(value: "", label: t["any"] ?? "", selected: (values["entry"] ?? "").isEmpty)]
                + EntryType.allCases.map { Option(value: $0.rawValue, label: t["entry_type_\($0.rawValue)"] ?? $0.rawValue,
                                                  selected: values["entry"] == $0.rawValue) })
    }
}

/// What can be done with a lead from the funnel's table and its page (seed 003, per phase and contact quality):
/// follow-up, survey and abort on reachable leads; contact and discard on bad or problem ones (lead phase only);
/// always the client card, a video call (when configured), e-mail and WhatsApp.
struct LeadActions {
    let label: String
    let url: String
    let external: Bool

    static func available(_ l: LeadListing, phase: FunnelPhase, settings: SalesSettings, t: [String: String]) -> [LeadActions] {
        let page = SiteURL.lead(l.lead.id).path
        var out: [LeadActions] = []
        if l.lead.state == .open {
            if phase == .lead, l.quality != .good {
                out += [.init(label: t["lead_action_contact"] ?? "", url: page + "#contact", external: false),
                        .init(label: t["lead_action_discard"] ?? "", url: page + "#discard", external: false)]
            } else {
                out += [.init(label: t["lead_action_follow_up"] ?? "", url: page + "#follow-up", external: false),
                        .init(label: t["lead_action_survey"] ?? "", url: page + "#survey", external: false),
                        .init(label: t["lead_action_abort"] ?? "", url: page + "#abort", external: false)]
            }
        }
        out.append(.init(label: t["lead_action_card"] ?? "", url: SiteURL.client(l.lead.clientID).path, external: false))
        if let video = settings.videoURL(room: "cartera-\(l.lead.id)-\(UUID().uuidString.prefix(8).lowercased())") {
            out.append(.init(label: t["lead_action_video"] ?? "", url: video, external: true))
        }
        if let email = l.emails.first { out.append(.init(label: t["lead_action_email"] ?? "", url: "mailto:\(email)", external: true)) }
        if let phone = l.phones.first { out.append(.init(label: "WhatsApp", url: Contactability.whatsAppURL(phone), external: true)) }
        return out
    }
}
