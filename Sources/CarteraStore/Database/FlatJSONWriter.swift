import CarteraCore

/// Writes the JSON of the two shapes every new client writes by the hundred
/// thousand in an import — its e-mails and phones, and its audit event's
/// changes — as `jsonString()` would (compact, keys sorted, slashes as they
/// are; tested equal), without a `JSONEncoder` per value, which was a tenth of
/// an import's time.
extension Array where Element == String {
    func jsonString() -> String {
        var out = "["
        for (index, text) in enumerated() {
            if index > 0 { out += "," }
            FlatJSON.write(text, to: &out)
        }
        return out + "]"
    }
}

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

extension FlatJSON {
    /// A JSON string literal, escaped as Foundation's encoder escapes it.
    static func write(_ text: String, to out: inout String) {
        out += "\""
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            out += text
            return out += "\""
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
