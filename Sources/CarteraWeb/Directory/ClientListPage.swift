import CarteraCore
import CarteraStore
import Foundation

/// A column of the client list; users pick which ones they see.
struct ClientColumn {
    let key: String
    let label: String

    /// The list's own columns, in the order the column picker offers them; the raw values are their keys.
    enum BuiltIn: String, CaseIterable {
        case number, legalName, tradeName, taxId, type, group, branch, salesAgent, collector, city, state, country
        case phones, emails, updated
    }

    static let builtIn = BuiltIn.allCases.map(\.rawValue)
    static let defaults = ["number", "legalName", "tradeName", "city", "phones", "type", "salesAgent"]

    static func all(_ lookups: Lookups, _ language: Language, _ t: [String: String]) -> [ClientColumn] {
        builtIn.map { ClientColumn(key: $0, label: t["column_\($0)"] ?? $0) }
            + lookups.activeFields.map { ClientColumn(key: "cf:" + $0.key, label: $0.label(language)) }
    }

    static func chosen(saved: [String]?, lookups: Lookups) -> [String] {
        let valid = Set(builtIn + lookups.activeFields.map { "cf:" + $0.key })
        let picked = (saved ?? []).filter(valid.contains)
        if !picked.isEmpty { return picked }
        return defaults + lookups.activeFields.filter(\.showInList).map { "cf:" + $0.key }
    }
}

/// The list's query read from the URL, and written back for links.
struct ClientListQuery {
    var form: FormData
    static let filterKeys = ["type", "group", "branch", "agent", "collector", "archived", "coords"]
        + ClientTextField.allCases.map { "f_" + $0.rawValue }

    func storeQuery(_ lookups: Lookups, pageSize: Int) -> ClientQuery {
        var filters: [ClientFilter] = []
        if let id = ClientType.ID(string: form["type"]) { filters.append(.clientType(id)) }
        if let id = ClientGroup.ID(string: form["group"]) { filters.append(.clientGroup(id)) }
        if let id = Branch.ID(string: form["branch"]) { filters.append(.branch(id)) }
        if let id = User.ID(string: form["agent"]) { filters.append(.salesAgent(id)) }
        if let id = User.ID(string: form["collector"]) { filters.append(.collector(id)) }
        if let coords = form.text("coords") { filters.append(.hasCoordinates(coords == "yes")) }
        for field in ClientTextField.allCases {
            if let value = form.text("f_" + field.rawValue) { filters.append(.text(field, value)) }
        }
        for definition in lookups.activeFields {
            if let value = form.text("cf_" + definition.key) { filters.append(.customField(definition, value)) }
        }
        let page = max(1, Int(form["page"] ?? "") ?? 1)
        var query = ClientQuery(search: form.text("q"), filters: filters, sort: ClientSort(rawValue: form["sort"] ?? ""),
                                descending: form["dir"] == "desc",
                                archived: ClientQuery.Archived(rawValue: form["archived"] ?? "") ?? .active,
                                limit: pageSize, page: .offset((page - 1) * pageSize))
        // Counting as far as the store sorts lets the count also tell it whether the list is broad
        // (no second count); `count=all` asks for the exact figure.
        query.counting = form["count"] == "all" ? .all : .upTo(query.sortedUpTo)
        return query
    }

    /// This query's URL with some parameters replaced (sorting, paging).
    func url(_ changes: [String: String?], path: String = SiteURL.clients.path) -> String {
        var pairs = form.pairs.filter { changes.keys.contains($0.0) == false && !$0.1.isEmpty }
        for (key, value) in changes.sorted(by: { $0.key < $1.key }) {
            if let value { pairs.append((key, value)) }
        }
        let query = pairs.map { PercentEncoding.query($0.0) + "=" + PercentEncoding.query($0.1) }.joined(separator: "&")
        return path + (query.isEmpty ? "" : "?" + query)
    }
}

/// The view model of the client list; it builds its template value itself (the
/// busiest page: encoding it through `Encoder` was a tenth of a search's CPU).
struct ClientListPage: TemplateRepresentable {
    struct Header: TemplateRepresentable { let label: String; let sortURL: String?; let sortState: String? }
    struct ColumnChoice: TemplateRepresentable { let key: String; let label: String; let checked: Bool }
    struct FilterInput: TemplateRepresentable { let name: String; let label: String; let value: String }

    let q: String
    let totalText: String
    /// Offered when the count stopped at its cap.
    let countAllURL: String?
    /// Said when a search matched too many clients to rank them.
    let broadSearch: String?
    let headers: [Header]
    /// The table's rows, written by `ClientListRows`.
    let rows: HTMLFragment
    let empty: Bool
    let pageText: String
    let previousURL: String?
    let nextURL: String?
    let columns: [ColumnChoice]
    let advancedOpen: Bool
    let types: [Option]
    let groups: [Option]
    let branches: [Option]
    let agents: [Option]
    let collectors: [Option]
    let archived: [Option]
    let coords: [Option]
    let textFilters: [FilterInput]
    let customFilters: [FilterInput]
    let canCreate: Bool
    let canImport: Bool
    let canReassign: Bool
    let hidden: [FilterInput]
    let exportXLSX: String?
    let exportCSV: String?
}

extension ClientListPage {
    var templateValue: TemplateValue {
        .fields([
            "q": .text(q), "totalText": .text(totalText), "countAllURL": countAllURL.map(TemplateValue.text),
            "broadSearch": broadSearch.map(TemplateValue.text), "headers": .list(headers), "rows": .markup(rows),
            "empty": .bool(empty), "pageText": .text(pageText), "previousURL": previousURL.map(TemplateValue.text),
            "nextURL": nextURL.map(TemplateValue.text), "columns": .list(columns), "advancedOpen": .bool(advancedOpen),
            "types": .list(types), "groups": .list(groups), "branches": .list(branches), "agents": .list(agents),
            "collectors": .list(collectors), "archived": .list(archived), "coords": .list(coords),
            "textFilters": .list(textFilters), "customFilters": .list(customFilters), "canCreate": .bool(canCreate),
            "canImport": .bool(canImport), "canReassign": .bool(canReassign), "hidden": .list(hidden),
            "exportXLSX": exportXLSX.map(TemplateValue.text), "exportCSV": exportCSV.map(TemplateValue.text),
        ])
    }
}

extension ClientListPage.Header {
    var templateValue: TemplateValue {
        .fields(["label": .text(label), "sortURL": sortURL.map(TemplateValue.text), "sortState": sortState.map(TemplateValue.text)])
    }
}

extension ClientListPage.ColumnChoice {
    var templateValue: TemplateValue { .fields(["key": .text(key), "label": .text(label), "checked": .bool(checked)]) }
}

extension ClientListPage.FilterInput {
    var templateValue: TemplateValue { .fields(["name": .text(name), "label": .text(label), "value": .text(value)]) }
}
