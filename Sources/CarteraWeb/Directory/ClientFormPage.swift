import CarteraCore
import Foundation

/// The view model of the new/edit client form.
struct ClientFormPage: Encodable {
    struct Field: Encodable {
        let name: String
        let label: String
        let value: String
        let error: String?
        let required: Bool
    }

    struct CustomInput: Encodable {
        let name: String
        let label: String
        let value: String
        let error: String?
        let required: Bool
        let inputType: String
        let isLongText: Bool
        let isCheckbox: Bool
        let checked: Bool
        let isChoice: Bool
        let options: [Option]

        /// The input of a typed field (client custom fields, asset kind fields); `value` as typed or stored.
        init(_ definition: CustomFieldDefinition, name: String, value: String, error: String?, language: Language) {
            self.name = name
            label = definition.label(language)
            self.value = value
            self.error = error
            required = definition.required
            inputType = switch definition.type {
            case .integer, .decimal: "text"
            case .date: "date"
            case .email: "email"
            case .phone: "tel"
            case .url, .photoURL: "url"
            default: "text"
            }
            isLongText = definition.type == .longText
            isCheckbox = definition.type == .checkbox
            checked = ["on", "true", "1"].contains(value)
            isChoice = definition.type == .choice
            options = [Option(value: "", label: "—", selected: value.isEmpty)]
                + definition.choices.map { Option(value: $0, label: $0, selected: $0 == value) }
        }
    }

    let action: String
    let cancel: String
    let isNew: Bool
    let version: Int64
    let errors: [String]
    let conflict: [String]
    let hasErrors: Bool
    let hasConflict: Bool
    let text: [String: Field]
    let taxIdKinds: [Option]
    let types: [Option]
    let groups: [Option]
    let branches: [Option]
    let agents: [Option]
    let collectors: [Option]
    let customFields: [CustomInput]

    init(form: ClientForm, action: String, cancel: String, isNew: Bool, version: Int64, lookups: Lookups,
         language: Language, t: [String: String], errors: FormErrors, conflict: [String] = []) {
        self.action = action
        self.cancel = cancel
        self.isNew = isNew
        self.version = version
        self.errors = errors.list
        self.conflict = conflict
        hasErrors = !errors.list.isEmpty
        hasConflict = !conflict.isEmpty
        var text: [String: Field] = [:]
        for key in ClientForm.keys {
            text[key] = Field(name: key, label: t["field_\(key)"] ?? key, value: form.values[key] ?? "",
                              error: errors.byField[Self.errorKey(key)], required: key == "legalName")
        }
        self.text = text
        let v = form.values
        taxIdKinds = [Option(value: "", label: "—", selected: (v["taxIdKind"] ?? "").isEmpty)]
            + TaxIDKind.allCases.map { Option(value: $0.rawValue, label: t["taxkind_\($0.rawValue)"] ?? $0.rawValue,
                                              selected: v["taxIdKind"] == $0.rawValue) }
        types = Option.list(lookups.types.filter(\.active).map { ($0.id, $0.name) }, selected: v["clientTypeId"])
        groups = Option.list(lookups.groups.filter(\.active).map { ($0.id, $0.name) }, selected: v["clientGroupId"])
        branches = Option.list(lookups.branches.filter(\.active).map { ($0.id, $0.name) }, selected: v["branchId"])
        let people = lookups.users.filter(\.active).map { ($0.id, $0.name) }
        agents = Option.list(people, selected: v["salesAgentId"])
        collectors = Option.list(people, selected: v["collectorId"])
        customFields = lookups.activeFields.map { definition in
            CustomInput(definition, name: "cf_" + definition.key, value: v["cf_" + definition.key] ?? "",
                        error: errors.byField["customFields.\(definition.key)"], language: language)
        }
    }

    /// Form inputs and validation fields differ in a few names.
    static func errorKey(_ key: String) -> String {
        switch key {
        case "street", "number", "city", "state", "postalCode", "country": "address.\(key)"
        default: key
        }
    }
}
