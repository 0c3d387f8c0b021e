/// Matches a spreadsheet's header row to fields by their names: `aliases`
/// maps header texts (keys, Spanish and English labels) to fields; case,
/// accents and punctuation are ignored. A field claimed twice keeps its first
/// column; headers that match nothing are returned as unknown.
public enum HeaderMatching {
    public static func match<Field: Hashable>(headers: [String], aliases: [String: Field])
        -> (mapping: [Int: Field], unknown: [String]) {
        let normalised = Dictionary(aliases.map { (Normalization.searchKey($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        var mapping: [Int: Field] = [:]
        var unknown: [String] = []
        for (index, header) in headers.enumerated() {
            let key = Normalization.searchKey(header)
            guard !key.isEmpty else { continue }
            if let field = normalised[key], !mapping.values.contains(field) { mapping[index] = field } else { unknown.append(header) }
        }
        return (mapping, unknown)
    }
}
