import CarteraCore
import CarteraStore

/// The catalogues a client page names things from, loaded once per request.
struct Lookups {
    let types: [ClientType]
    let groups: [ClientGroup]
    let branches: [Branch]
    let users: [User]
    let customFields: [CustomFieldDefinition]
    /// Names by id, for one lookup per cell: a list names five catalogues per row, an
    /// export a million rows' worth.
    private let typeNames: [ClientType.ID: String]
    private let groupNames: [ClientGroup.ID: String]
    private let branchNames: [Branch.ID: String]
    private let userNames: [User.ID: String]

    init(types: [ClientType], groups: [ClientGroup], branches: [Branch], users: [User], customFields: [CustomFieldDefinition]) {
        self.types = types; self.groups = groups; self.branches = branches; self.users = users; self.customFields = customFields
        typeNames = Self.names(types.map { ($0.id, $0.name) })
        groupNames = Self.names(groups.map { ($0.id, $0.name) })
        branchNames = Self.names(branches.map { ($0.id, $0.name) })
        userNames = Self.names(users.map { ($0.id, $0.name) })
    }

    /// The first name of each id, as a search of the list in order would find.
    private static func names<ID: Hashable>(_ pairs: [(ID, String)]) -> [ID: String] {
        Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    static func load(_ stores: Stores) async throws -> Lookups {
        async let types = stores.catalogues.clientTypes()
        async let groups = stores.catalogues.clientGroups()
        async let branches = stores.organisation.branches()
        async let users = stores.users.all()
        async let fields = stores.catalogues.customFields()
        return Lookups(types: try await types, groups: try await groups, branches: try await branches,
                       users: try await users, customFields: try await fields)
    }

    func typeName(_ id: ClientType.ID?) -> String? { id.flatMap { typeNames[$0] } }
    func groupName(_ id: ClientGroup.ID?) -> String? { id.flatMap { groupNames[$0] } }
    func branchName(_ id: Branch.ID?) -> String? { id.flatMap { branchNames[$0] } }
    func userName(_ id: User.ID?) -> String? { id.flatMap { userNames[$0] } }
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
