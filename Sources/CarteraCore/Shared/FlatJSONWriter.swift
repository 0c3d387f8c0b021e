/// A list of strings as compact JSON, as `JSONEncoder` writes it (tested
/// equal) without an encoder per value: every new client of an import writes
/// its e-mails and phones this way, and the spreadsheet reader each row.
extension Array where Element == String {
    public func jsonString() -> String {
        var out = "["
        for (index, text) in enumerated() {
            if index > 0 { out += "," }
            FlatJSON.write(text, to: &out)
        }
        return out + "]"
    }
}

/// Custom field values as compact, key-sorted JSON, as `JSONEncoder` writes them
/// (tested equal); nil when a decimal is among them, whose digits are left to the
/// encoder. Written once per client saved.
extension Dictionary where Key == String, Value == CustomFieldValue {
    public func flatJSONString() -> String? {
        var out = "{"
        for (index, key) in keys.sorted().enumerated() {
            if index > 0 { out += "," }
            FlatJSON.write(key, to: &out)
            out += ":"
            switch self[key]! {
            case .text(let text): FlatJSON.write(text, to: &out)
            case .integer(let number): out += String(number)
            case .bool(let flag): out += flag ? "true" : "false"
            case .decimal: return nil
            }
        }
        return out + "}"
    }
}

extension FlatJSON {
    /// A JSON string literal, escaped as Foundation's encoder escapes it.
    public static func write(_ text: String, to out: inout String) {
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
