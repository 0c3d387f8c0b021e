/// Reads the two JSON shapes every client row carries — a list of strings
/// (e-mails, phones; also a spreadsheet's rows between parsing and reading)
/// and a flat object of custom field values — without `JSONDecoder`, which
/// was a quarter of an export's time. Anything it does not expect (escapes,
/// nesting, fractions, null) returns `nil`, and the caller decodes the text
/// the general way; so the answer is always `JSONDecoder`'s.
public enum FlatJSON {
    public static func strings(_ text: String) -> [String]? {
        var reader = Reader(text.utf8)
        guard reader.take(UInt8(ascii: "[")) else { return nil }
        var out: [String] = []
        if reader.take(UInt8(ascii: "]")) { return reader.atEnd ? out : nil }
        repeat {
            guard let string = reader.string() else { return nil }
            out.append(string)
        } while reader.take(UInt8(ascii: ","))
        return reader.take(UInt8(ascii: "]")) && reader.atEnd ? out : nil
    }

    public static func fields(_ text: String) -> [String: CustomFieldValue]? {
        var reader = Reader(text.utf8)
        guard reader.take(UInt8(ascii: "{")) else { return nil }
        if reader.take(UInt8(ascii: "}")) { return reader.atEnd ? [:] : nil }
        // Room for a few fields at once: growing one by one hashed every key again at each step.
        var out = [String: CustomFieldValue](minimumCapacity: 8)
        repeat {
            guard let key = reader.string(), reader.take(UInt8(ascii: ":")), let value = reader.value() else { return nil }
            out[key] = value
        } while reader.take(UInt8(ascii: ","))
        return reader.take(UInt8(ascii: "}")) && reader.atEnd ? out : nil
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(_ utf8: String.UTF8View) { bytes = Array(utf8) }

        var atEnd: Bool {
            mutating get { skipSpace(); return index == bytes.count }
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// A string without escapes or control characters.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    return String(decoding: bytes[start..<index], as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }

        /// A custom field value: string, true/false, or a whole number that fits 64 bits.
        mutating func value() -> CustomFieldValue? {
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""): return string().map(CustomFieldValue.text)
            case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
            default:
                let start = index
                if bytes[index] == UInt8(ascii: "-") { index += 1 }
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard index > start, index < bytes.count,
                      [UInt8(ascii: ","), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]),
                      let number = Int64(String(decoding: bytes[start..<index], as: UTF8.self)) else { return nil }
                return .integer(number)
            }
        }

        mutating func word(_ word: String) -> Bool {
            let expected = Array(word.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else { return false }
            index += expected.count
            return true
        }
    }
}
