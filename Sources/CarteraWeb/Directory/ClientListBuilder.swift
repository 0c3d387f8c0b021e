import CarteraCore
import CarteraStore
import Foundation

/// Builds the client list's view model from a page of clients.
struct ClientListBuilder {
    let env: WebEnvironment
    let context: SignedInContext
    let lookups: Lookups
    let query: ClientListQuery
    let chosen: [String]
    let pageSize: Int

    func build(_ result: ClientPage, storeQuery: ClientQuery) -> ClientListPage {
        let language = context.language
        let t = env.t(language)
        let page = max(1, Int(query.form["page"] ?? "") ?? 1)
        let totalText: String, pageText: String
        switch result.count ?? .exactly(result.clients.count) {
        case .exactly(let total):
            totalText = env.translator.plural("clients_count", count: total, language)
            let pages = max(1, (total + pageSize - 1) / pageSize)
            pageText = env.translator.text("page_of", language, ["page": String(page), "pages": String(pages)])
        case .moreThan(let cap):
            totalText = env.translator.text("clients_count_more", language, ["count": env.count(cap, context)])
            pageText = env.translator.text("page_n", language, ["page": String(page)])
        }
        let columns = ClientColumn.all(lookups, language, t)
        let sortable: [String: ClientSort] = ["number": .number, "legalName": .name, "city": .city, "updated": .updated]
        let headers = chosen.map { key -> ClientListPage.Header in
            let label = columns.first { $0.key == key }?.label ?? key
            guard let sort = sortable[key] else { return .init(label: label, sortURL: nil, sortState: nil) }
            let active = storeQuery.sort == sort || (storeQuery.sort == nil && storeQuery.search == nil && sort == .name)
            let nextDirection = active && !storeQuery.descending ? "desc" : "asc"
            return .init(label: label, sortURL: query.url(["sort": sort.rawValue, "dir": nextDirection, "page": nil]),
                         sortState: active ? (storeQuery.descending ? "descending" : "ascending") : nil)
        }
        let labels = Dictionary(uniqueKeysWithValues: columns.map { ($0.key, $0.label) })
        // What each column shows and its label, worked out once a page rather than once a cell.
        let rows = ClientListRows(env: env, context: context, lookups: lookups,
                                  columns: chosen.map { (ClientListRows.Shown($0), labels[$0] ?? $0) })
        let v = query.form
        let people = lookups.users.map { ($0.id, $0.name) }
        let canExport = context.viewer.can(.exportData)
        let anyAdvanced = ClientListQuery.filterKeys.contains { v.text($0) != nil }
            || lookups.activeFields.contains { v.text("cf_" + $0.key) != nil }
        return ClientListPage(
            q: v["q"] ?? "",
            totalText: totalText,
            countAllURL: result.count.flatMap { if case .moreThan = $0 { query.url(["count": "all"]) } else { nil } },
            broadSearch: result.newestFirst
                ? env.translator.text("search_broad", language, ["count": env.count(storeQuery.sortedUpTo, context)]) : nil,
            headers: headers, rows: rows.write(result.clients), empty: result.clients.isEmpty,
            pageText: pageText,
            previousURL: page > 1 ? query.url(["page": String(page - 1)]) : nil,
            nextURL: result.hasMore ? query.url(["page": String(page + 1)]) : nil,
            columns: columns.map { .init(key: $0.key, label: $0.label, checked: chosen.contains($0.key)) },
            advancedOpen: anyAdvanced,
            types: Option.list(lookups.types.map { ($0.id, $0.name) }, selected: v["type"], emptyLabel: t["any"] ?? ""),
            groups: Option.list(lookups.groups.map { ($0.id, $0.name) }, selected: v["group"], emptyLabel: t["any"] ?? ""),
            branches: Option.list(lookups.branches.map { ($0.id, $0.name) }, selected: v["branch"], emptyLabel: t["any"] ?? ""),
            agents: Option.list(people, selected: v["agent"], emptyLabel: t["any"] ?? ""),
            collectors: Option.list(people, selected: v["collector"], emptyLabel: t["any"] ?? ""),
            archived: ClientQuery.Archived.allCases.map {
                Option(value: $0.rawValue, label: t["archived_\($0.rawValue)"] ?? $0.rawValue,
                       selected: (v["archived"] ?? "active") == $0.rawValue)
            },
            coords: [("", t["any"] ?? ""), ("yes", t["yes"] ?? ""), ("no", t["no"] ?? "")].map {
                Option(value: $0.0, label: $0.1, selected: (v["coords"] ?? "") == $0.0)
            },
            textFilters: ClientTextField.allCases.map {
                .init(name: "f_" + $0.rawValue, label: t["field_\($0 == .taxId ? "taxId" : $0.rawValue)"] ?? $0.rawValue,
                      value: v["f_" + $0.rawValue] ?? "")
            },
            customFilters: lookups.activeFields.map {
                .init(name: "cf_" + $0.key, label: $0.label(language), value: v["cf_" + $0.key] ?? "")
            },
            canCreate: context.viewer.can(.editClients),
            canImport: context.viewer.can(.importData) && context.viewer.can(.editClients),
            canReassign: context.viewer.can(.changeSalesAgent),
            hidden: [("sort", v["sort"]), ("dir", v["dir"])].compactMap { pair in
                pair.1.map { ClientListPage.FilterInput(name: pair.0, label: "", value: $0) }
            },
            exportXLSX: canExport ? query.url(["format": "xlsx", "page": nil], path: SiteURL.clientExport.path) : nil,
            exportCSV: canExport ? query.url(["format": "csv", "page": nil], path: SiteURL.clientExport.path) : nil)
    }
}
