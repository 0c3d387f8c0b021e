import CarteraCore

/// Which header texts name which contact field, in both languages; the
/// catalogue's export headers are among them, so its file imports back.
enum ContactColumns {
    static let labelKeys: [ContactImportField: [String]] = [
        .contactKey: ["column_contactKey"], .clientNumber: ["column_number", "field_clientNumber"],
        .name: ["field_contact_name"], .role: ["field_contact_role"], .email: ["field_contact_email"],
        .phone: ["field_contact_phone"],
    ]

    static func aliases(_ translator: Translator) -> [String: ContactImportField] {
        var aliases: [String: ContactImportField] = [:]
        for language in Language.allCases {
            let catalog = translator.catalog(language)
            for (field, keys) in labelKeys {
                for key in keys { if let label = catalog[key] { aliases[label] = aliases[label] ?? field } }
            }
        }
        return aliases
    }

    static func choices(_ translator: Translator, _ language: Language) -> [(String, String)] {
        let catalog = translator.catalog(language)
        return ContactImportField.allCases.map { ($0.rawValue, catalog[labelKeys[$0]![0]] ?? $0.rawValue) }
    }
}
