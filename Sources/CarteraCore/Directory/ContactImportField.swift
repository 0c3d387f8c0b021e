/// A contact field a spreadsheet column can fill.
public enum ContactImportField: String, Hashable, Sendable, CaseIterable {
    case contactKey, clientNumber, name, role, email, phone

    /// The field name validation errors use.
    public var validationField: String { rawValue }

    /// Matches headers to fields by key or alias (see ``HeaderMatching``).
    public static func match(headers: [String], aliases: [String: ContactImportField])
        -> (mapping: [Int: ContactImportField], unknown: [String]) {
        var all = aliases
        for field in allCases { all[field.rawValue] = field }
        return HeaderMatching.match(headers: headers, aliases: all)
    }
}
