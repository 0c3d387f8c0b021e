/// A contact field a spreadsheet column can fill.
public enum ContactImportField: String, Hashable, Sendable, CaseIterable {
    case contactKey, clientNumber, name, role, email, phone

    /// The field name validation errors use.
    public var validationField: String { rawValue }

    /// Matches headers to fields by key or alias, case and accents ignored.
    public static func match(headers: [String], aliases: [String: ContactImportField])
        -> (mapping: [Int: ContactImportField], unknown: [String]) {
        var all = aliases
        for field in allCases { all[field.rawValue] = field }
        let normalised = Dictionary(all.map { (Normalization.searchKey($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        var mapping: [Int: ContactImportField] = [:]
        var unknown: [String] = []
        for (index, header) in headers.enumerated() {
            let key = Normalization.searchKey(header)
            guard !key.isEmpty else { continue }
            if let field = normalised[key], !mapping.values.contains(field) { mapping[index] = field } else { unknown.append(header) }
        }
        return (mapping, unknown)
    }
}
