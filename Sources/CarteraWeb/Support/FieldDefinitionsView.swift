import CarteraCore

/// The editor of admin-defined typed fields (asset kinds, master tables): one
/// form per field and an "add" form, posting to `<base>/fields[/<key>]`.
struct FieldDefinitionsView: Encodable {
    struct Row: Encodable {
        let key: String; let type: String; let labelES: String; let labelEN: String; let required: Bool; let active: Bool
        let isChoice: Bool; let choices: String; let action: String
    }
    let rows: [Row]
    let types: [Option]
    let addAction: String
    /// The record's version, sent back with every change.
    let version: Int64

    init(_ fields: [CustomFieldDefinition], base: String, version: Int64, t: [String: String]) {
        rows = fields.map { f in
            Row(key: f.key, type: t["cftype_\(f.type.rawValue)"] ?? f.type.rawValue, labelES: f.labelES, labelEN: f.labelEN,
                required: f.required, active: f.active, isChoice: f.type == .choice, choices: f.choices.joined(separator: "\n"),
                action: base + "/fields/" + f.key)
        }
        types = CustomFieldType.allCases.map { Option(value: $0.rawValue, label: t["cftype_\($0.rawValue)"] ?? $0.rawValue, selected: $0 == .text) }
        addAction = base + "/fields"
        self.version = version
    }
}
