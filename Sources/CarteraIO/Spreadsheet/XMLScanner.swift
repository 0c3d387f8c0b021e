import Foundation

/// The XML of a spreadsheet's parts read as tags and text straight from UTF-8
/// bytes, a chunk at a time. Foundation's `XMLParser` built a dictionary of
/// strings for every element's attributes and a string for every name: most of
/// a sheet's parsing time. This reads what `.xlsx` parts hold — elements
/// (namespace prefixes ignored), attributes, text with the five named entities
/// and character references, comments, CDATA and processing instructions — and
/// refuses document types (so no entity expansion) and badly nested or
/// unfinished documents.
struct XMLScanner {
    /// A start or end tag, valid only during the call that receives it.
    struct Tag {
        fileprivate let bytes: ArraySlice<UInt8>
        /// The name without its namespace prefix.
        let name: ArraySlice<UInt8>

        func named(_ expected: StaticString) -> Bool { XMLScanner.equal(name, expected) }

        /// An attribute's value, entities decoded; matched on the name as written.
        func attribute(_ wanted: StaticString) throws(SheetReadError) -> String? {
            guard let raw = try rawAttribute(wanted) else { return nil }
            var out: [UInt8] = []
            try XMLScanner.decode(raw, into: &out)
            return String(decoding: out, as: UTF8.self)
        }

        /// An attribute's value as written (for numbers and cell references, which hold no entities).
        func rawAttribute(_ wanted: StaticString) throws(SheetReadError) -> ArraySlice<UInt8>? {
            var index = name.endIndex
            while true {
                while index < bytes.endIndex, XMLScanner.isSpace(bytes[index]) { index += 1 }
                guard index < bytes.endIndex, bytes[index] != UInt8(ascii: "/") else { return nil }
                let nameStart = index
                while index < bytes.endIndex, bytes[index] != UInt8(ascii: "="), !XMLScanner.isSpace(bytes[index]) { index += 1 }
                let attributeName = bytes[nameStart..<index]
                while index < bytes.endIndex, XMLScanner.isSpace(bytes[index]) { index += 1 }
                guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "=") else { throw .notASpreadsheet }
                index += 1
                while index < bytes.endIndex, XMLScanner.isSpace(bytes[index]) { index += 1 }
                guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                    throw .notASpreadsheet
                }
                let quote = bytes[index]
                index += 1
                let valueStart = index
                while index < bytes.endIndex, bytes[index] != quote { index += 1 }
                guard index < bytes.endIndex else { throw .notASpreadsheet }
                if XMLScanner.equal(attributeName, wanted) { return bytes[valueStart..<index] }
                index += 1
            }
        }
    }

    /// What a part's reader does with each piece; returning false from `start`
    /// or `end` stops the scan early (the reader has what it wanted).
    protocol Reader {
        mutating func start(_ tag: Tag, empty: Bool) throws(SheetReadError) -> Bool
        mutating func end(_ tag: Tag) throws(SheetReadError) -> Bool
        /// Character data as written, possibly in pieces; `append` turns it into text.
        mutating func text(_ bytes: ArraySlice<UInt8>, raw: Bool) throws(SheetReadError)
    }

    /// The longest tag, comment or instruction accepted: a sheet's are a few dozen bytes.
    static let maxMarkup = 1 << 20
    /// The deepest nesting accepted: a sheet's is six; a few bytes a level, a file
    /// of nothing but start tags would otherwise hold a word for each.
    static let maxDepth = 64
    static let chunk = 1 << 18

    private let next: () throws -> Data?
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    /// Hashes of the open elements' qualified names, to match end tags cheaply.
    private var open: [UInt64] = []

    /// Reads the bytes `next` hands over, a chunk at a time, until it returns nil.
    init(_ next: @escaping () throws -> Data?) { self.next = next }

    init(_ data: Data) {
        var given = false
        self.init { defer { given = true }; return given ? nil : data }
    }

    /// Reads the whole document through `reader`; false if the reader stopped it early.
    mutating func scan<R: Reader>(_ reader: inout R) throws(SheetReadError) -> Bool {
        var seenRoot = false
        while buffer.count < 3, !atEnd { try fill() }
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        while true {
            if position == buffer.count {
                if atEnd { break }
                try fill()
                continue
            }
            if buffer[position] != UInt8(ascii: "<") {
                try readText(&reader, inElement: !open.isEmpty)
                continue
            }
            guard let end = try markupEnd() else { continue }
            let markup = buffer[position..<end]
            position = end
            switch markup[markup.startIndex + 1] {
            case UInt8(ascii: "?"):
                continue
            case UInt8(ascii: "!"):
                if markup.starts(with: Self.dataStart) {
                    guard !open.isEmpty else { throw .notASpreadsheet }
                    try reader.text(markup[(markup.startIndex + 9)..<(markup.endIndex - 3)], raw: true)
                } else if !markup.starts(with: Self.commentStart) {
                    throw .notASpreadsheet  // a document type: declarations and entities are not for spreadsheets
                }
            case UInt8(ascii: "/"):
                let tag = try Self.tag(markup[(markup.startIndex + 2)..<(markup.endIndex - 1)])
                guard let last = open.popLast(), last == Self.hash(tag.qualified) else { throw .notASpreadsheet }
                if try !reader.end(tag.tag) { return false }
            default:
                let empty = markup[markup.endIndex - 2] == UInt8(ascii: "/")
                let tag = try Self.tag(markup[(markup.startIndex + 1)..<(markup.endIndex - (empty ? 2 : 1))])
                guard !(open.isEmpty && seenRoot) else { throw .notASpreadsheet }
                seenRoot = true
                if !empty {
                    guard open.count < Self.maxDepth else { throw .notASpreadsheet }
                    open.append(Self.hash(tag.qualified))
                }
                if try !reader.start(tag.tag, empty: empty) { return false }
                if empty, try !reader.end(tag.tag) { return false }
            }
        }
        guard seenRoot, open.isEmpty else { throw .notASpreadsheet }
        return true
    }

    /// Text up to the next tag, handed over in pieces that never split an entity.
    private mutating func readText<R: Reader>(_ reader: inout R, inElement: Bool) throws(SheetReadError) {
        let rest = buffer[position...]
        var end = rest.firstIndex(of: UInt8(ascii: "<"))
        if end == nil, !atEnd {
            // Keep a trailing `&…` without its `;` for the next piece.
            end = rest.lastIndex(of: UInt8(ascii: "&")).flatMap { amp in
                rest[amp...].contains(UInt8(ascii: ";")) ? nil : amp
            } ?? buffer.count
        }
        let piece = rest[..<(end ?? buffer.count)]
        if piece.isEmpty {
            guard buffer.count - position < 16 else { throw .notASpreadsheet }  // `&` and no `;` in sight
            try fill()
            return
        }
        if inElement {
            try reader.text(piece, raw: false)
        } else if piece.contains(where: { !Self.isSpace($0) }) {
            throw .notASpreadsheet  // text outside the root element
        }
        position = piece.endIndex
    }

    /// Where the markup at `position` ends (just past its `>`), reading more as
    /// needed; nil when more was read and the caller should look again.
    private mutating func markupEnd() throws(SheetReadError) -> Int? {
        let start = position
        var found: Int?
        if buffer.count - start < 9, !atEnd, start + 1 == buffer.count || buffer[start + 1] == UInt8(ascii: "!") {
            found = nil  // too short to tell which kind yet
        } else if start + 1 < buffer.count, buffer[start + 1] == UInt8(ascii: "?") {
            found = Self.find(Self.instructionEnd, in: buffer, from: start + 2)
        } else if buffer[start...].starts(with: Self.commentStart) {
            found = Self.find(Self.commentEnd, in: buffer, from: start + 4)
        } else if buffer[start...].starts(with: Self.dataStart) {
            found = Self.find(Self.dataEnd, in: buffer, from: start + 9)
        } else {
            var index = start + 1
            var quote: UInt8?
            while index < buffer.count {
                let byte = buffer[index]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    found = index + 1
                    break
                } else if byte == UInt8(ascii: "<") {
                    throw .notASpreadsheet
                }
                index += 1
            }
        }
        if let found, found - start >= 3 { return found }
        guard found == nil, !atEnd, buffer.count - start <= Self.maxMarkup else { throw .notASpreadsheet }
        try fill()
        return nil
    }

    private static let instructionEnd = Array("?>".utf8)
    private static let commentStart = Array("<!--".utf8)
    private static let commentEnd = Array("-->".utf8)
    private static let dataStart = Array("<![CDATA[".utf8)
    private static let dataEnd = Array("]]>".utf8)

    /// Drops what has been read and appends the next chunk; at the end marks `atEnd`.
    private mutating func fill() throws(SheetReadError) {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        let data: Data?
        do { data = try next() } catch let error as SheetReadError { throw error } catch { throw .notASpreadsheet }
        if let data, !data.isEmpty { buffer.append(contentsOf: data) } else { atEnd = true }
    }

    private static func tag(_ inner: ArraySlice<UInt8>) throws(SheetReadError) -> (tag: Tag, qualified: ArraySlice<UInt8>) {
        var end = inner.startIndex
        while end < inner.endIndex, !isSpace(inner[end]) { end += 1 }
        let qualified = inner[inner.startIndex..<end]
        guard !qualified.isEmpty else { throw .notASpreadsheet }
        let local = qualified.lastIndex(of: UInt8(ascii: ":")).map { qualified[($0 + 1)...] } ?? qualified
        return (Tag(bytes: inner, name: local), qualified)
    }

    /// Character data as a reader gets it, appended to `out`: CDATA as it is, the rest decoded.
    static func append(_ text: ArraySlice<UInt8>, raw: Bool, to out: inout [UInt8]) throws(SheetReadError) {
        if raw { out.append(contentsOf: text) } else { try decode(text, into: &out) }
    }

    /// Character data with its entities and character references decoded, appended to `out`.
    static func decode(_ text: ArraySlice<UInt8>, into out: inout [UInt8]) throws(SheetReadError) {
        var index = text.startIndex
        while let amp = text[index...].firstIndex(of: UInt8(ascii: "&")) {
            out.append(contentsOf: text[index..<amp])
            guard let semicolon = text[amp...].firstIndex(of: UInt8(ascii: ";")) else { throw .notASpreadsheet }
            let name = text[(amp + 1)..<semicolon]
            if name.first == UInt8(ascii: "#") {
                let hex = name.dropFirst().first == UInt8(ascii: "x")
                let digits = name.dropFirst(hex ? 2 : 1)
                guard !digits.isEmpty, digits.count <= 8,
                      let value = UInt32(String(decoding: digits, as: UTF8.self), radix: hex ? 16 : 10),
                      let scalar = Unicode.Scalar(value) else { throw .notASpreadsheet }
                out.append(contentsOf: String(Character(scalar)).utf8)
            } else if equal(name, "lt") { out.append(UInt8(ascii: "<"))
            } else if equal(name, "gt") { out.append(UInt8(ascii: ">"))
            } else if equal(name, "amp") { out.append(UInt8(ascii: "&"))
            } else if equal(name, "quot") { out.append(UInt8(ascii: "\""))
            } else if equal(name, "apos") { out.append(UInt8(ascii: "'"))
            } else { throw .notASpreadsheet }
            index = semicolon + 1
        }
        out.append(contentsOf: text[index...])
    }

    static func equal(_ bytes: ArraySlice<UInt8>, _ expected: StaticString) -> Bool {
        guard bytes.count == expected.utf8CodeUnitCount else { return false }
        return expected.withUTF8Buffer { bytes.elementsEqual($0) }
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index + needle.count }
            index += 1
        }
        return nil
    }

    /// FNV-1a, for matching end tags to start tags.
    private static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return value
    }
}
