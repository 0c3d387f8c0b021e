import CarteraCore

/// An audit event's changes as `jsonString()` would write them (compact, keys
/// sorted, slashes as they are; tested equal), without a `JSONEncoder` per
/// event: every new client of an import writes one.
extension Array where Element == AuditChange {
    func jsonString() -> String {
        var out = "["
        for (index, change) in enumerated() {
            out += index > 0 ? ",{" : "{"
            if let after = change.after { out += #""after":"#; FlatJSON.write(after, to: &out); out += "," }
            if let before = change.before { out += #""before":"#; FlatJSON.write(before, to: &out); out += "," }
            out += #""field":"#
            FlatJSON.write(change.field, to: &out)
            out += "}"
        }
        return out + "]"
    }
}
