import CarteraCore

/// An audit event's changes as `jsonString()` would write them (compact, keys
/// sorted, slashes as they are; tested equal), without a `JSONEncoder` per
/// event: every new client of an import writes one.
extension Array where Element == AuditChange {
    func jsonString() -> String {
        var out = "["
        for (index, change) in enumerated() {
            if index > 0 { out += "," }
            AuditChange.write(field: change.field, before: change.before, after: change.after, to: &out)
        }
        return out + "]"
    }
}

extension AuditChange {
    /// One change as a compact JSON object, keys sorted.
    static func write(field: String, before: String?, after: String?, to out: inout String) {
        out += "{"
        if let after { out += #""after":"#; FlatJSON.write(after, to: &out); out += "," }
        if let before { out += #""before":"#; FlatJSON.write(before, to: &out); out += "," }
        out += #""field":"#
        FlatJSON.write(field, to: &out)
        out += "}"
    }
}

/// A new client's audit changes as JSON but for its number, which is only known
/// inside the transaction: made with the rest of its row values, ahead of the
/// writes (an import's rows, on another core). `json(number:)` is what
/// `AuditLog.diff([:], ClientStore.flatten(number:_:)).jsonString()` writes (tested).
struct CreationChanges: Sendable {
    /// The changes sorting before `clientNumber` as a JSON array without its `]`, and
    /// those after without its `[`.
    private let head: String
    private let tail: String

    init(_ draft: ClientDraft) {
        var head = "[", tail = ""
        var pastNumber = false
        for (field, text) in ClientStore.fieldTexts(number: 0, draft).sorted(by: { $0.field < $1.field }) {
            if field == "clientNumber" { pastNumber = true; continue }
            if pastNumber {
                if !tail.isEmpty { tail += "," }
                AuditChange.write(field: field, before: nil, after: text, to: &tail)
            } else {
                if head.utf8.count > 1 { head += "," }
                AuditChange.write(field: field, before: nil, after: text, to: &head)
            }
        }
        self.head = head
        self.tail = tail + "]"
    }

    func json(number: Int64) -> String {
        var out = String()
        out.reserveCapacity(head.utf8.count + tail.utf8.count + 48)
        out += head
        if head.utf8.count > 1 { out += "," }
        out += #"{"after":""#
        out += String(number)
        out += #"","field":"clientNumber"}"#
        if tail.utf8.count > 1 { out += "," }
        out += tail
        return out
    }
}
