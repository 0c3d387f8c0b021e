import CarteraCore
import CarteraStore

/// The catalogues a client page names things from, loaded once per request.
struct Lookups {
    let types: [ClientType]
    let groups: [ClientGroup]
    let branches: [Branch]
    let users: [User]
    let customFields: [CustomFieldDefinition]

    static func load(_ stores: Stores) async throws -> Lookups {
        async let types = stores.catalogues.clientTypes()
        async let groups = stores.catalogues.clientGroups()
        async let branches = stores.organisation.branches()
        async let users = stores.users.all()
        async let fields = stores.catalogues.customFields()
        return Lookups(types: try await types, groups: try await groups, branches: try await branches,
                       users: try await users, customFields: try await fields)
    }

    func typeName(_ id: ClientType.ID?) -> String? { id.flatMap { id in types.first { $0.id == id }?.name } }
    func groupName(_ id: ClientGroup.ID?) -> String? { id.flatMap { id in groups.first { $0.id == id }?.name } }
    func branchName(_ id: Branch.ID?) -> String? { id.flatMap { id in branches.first { $0.id == id }?.name } }
    func userName(_ id: User.ID?) -> String? { id.flatMap { id in users.first { $0.id == id }?.name } }
    var activeFields: [CustomFieldDefinition] { customFields.filter(\.active) }

    /// An audited value as a person reads it: names for the ids of users and catalogues.
    func displayValue(_ field: String, _ value: String?) -> String? {
        guard let value, let id = Int64(value) else { return value }
        let name: String? = switch field {
        case "salesAgentId", "collectorId", "responsibleId", "userId", "managerId", "assigneeId": userName(.init(id))
        case "clientTypeId": typeName(.init(id))
        case "clientGroupId": groupName(.init(id))
        case "branchId": branchName(.init(id))
        default: nil
        }
        return name ?? value
    }
}

/// An `<option>` of a select.
struct Option: TemplateRepresentable {
    let value: String
    let label: String
    let selected: Bool

    var templateValue: TemplateValue { .fields(["value": .text(value), "label": .text(label), "selected": .bool(selected)]) }

    /// An empty choice first, then the items.
    static func list<T>(_ items: [(EntityID<T>, String)], selected: String?, emptyLabel: String = "—") -> [Option] {
        [Option(value: "", label: emptyLabel, selected: (selected ?? "").isEmpty)]
            + items.map { Option(value: $0.0.description, label: $0.1, selected: selected == $0.0.description) }
    }
}
