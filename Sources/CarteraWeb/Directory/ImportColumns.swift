import CarteraCore
import CarteraStore

/// Which header texts name which client field: the stable keys, the Spanish
/// and English labels of the form and of the export (so an exported file
/// imports back), and the custom fields' keys and labels.
enum ImportColumns {
    /// Catalogue keys whose texts name each built-in field.
    static let labelKeys: [ClientImportField: [String]] = [
        .clientNumber: ["column_number", "field_clientNumber"], .legalName: ["field_legalName", "column_legalName"],
        .tradeName: ["field_tradeName", "column_tradeName"], .taxID: ["field_taxId", "column_taxId"],
        .taxIDKind: ["field_taxIdKind", "column_taxIdKind"], .clientType: ["field_clientTypeId", "column_type"],
        .clientGroup: ["field_clientGroupId", "column_group"], .branch: ["field_branchId", "column_branch"],
        .salesAgent: ["field_salesAgentId", "column_salesAgent"], .collector: ["field_collectorId", "column_collector"],
        .street: ["field_street", "column_street"], .number: ["field_number", "column_streetNumber"],
        .city: ["field_city", "column_city"], .state: ["field_state", "column_state"],
        .postalCode: ["field_postalCode", "column_postalCode"], .country: ["field_country", "column_country"],
        .latitude: ["field_latitude", "column_latitude"], .longitude: ["field_longitude", "column_longitude"],
        .emails: ["field_emails", "column_emails"], .phones: ["field_phones", "column_phones"],
        .description: ["field_description", "column_description"],
    ]

    static func aliases(_ translator: Translator, _ definitions: [CustomFieldDefinition]) -> [String: ClientImportField] {
        var aliases = ClientImportField.builtIn
        for language in Language.allCases {
            let catalog = translator.catalog(language)
            for (field, keys) in labelKeys {
                for key in keys { if let label = catalog[key] { aliases[label] = aliases[label] ?? field } }
            }
        }
        for definition in definitions where definition.active {
            for name in [definition.key, definition.labelES, definition.labelEN] where !name.isEmpty {
                aliases[name] = aliases[name] ?? .customField(definition.key)
            }
        }
        return aliases
    }

    /// A field as a form value (`legalName`, `cf:rubro`) and back.
    static func key(_ field: ClientImportField) -> String {
        if case .customField(let key) = field { return "cf:" + key }
        return ClientImportField.builtIn.first { $0.value == field }?.key ?? ""
    }

    static func field(_ key: String) -> ClientImportField? {
        key.hasPrefix("cf:") ? .customField(String(key.dropFirst(3))) : ClientImportField.builtIn[key]
    }

    /// Every field, labelled in `language`, for the mapping step's choices.
    static func choices(_ translator: Translator, _ definitions: [CustomFieldDefinition], _ language: Language) -> [(String, String)] {
        let catalog = translator.catalog(language)
        let builtIn = labelKeys.map { (key($0.key), catalog[$0.value[0]] ?? key($0.key)) }.sorted { $0.1 < $1.1 }
        return builtIn + definitions.filter(\.active).map { ("cf:" + $0.key, $0.label(language)) }
    }
}
