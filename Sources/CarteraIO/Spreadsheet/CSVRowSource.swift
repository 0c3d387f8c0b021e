import Foundation

/// CSV as people's spreadsheets write it: UTF-8 with or without BOM, or
/// Windows-1252 / Latin-1; `,` `;` or tab (guessed from the first line);
/// quoted fields with separators, doubled quotes and line breaks inside.
/// Reads the file in chunks: memory does not grow with its size.
public struct CSVRowSource: RowSource {
    let handle: FileHandle
    let utf8: Bool
    public private(set) var separator: Unicode.Scalar = ";"
    var pending: [Unicode.Scalar] = []
    var position = 0
    var carry = Data()
    var finished = false
    let size: UInt64
    var bytesRead: UInt64 = 0

    public init(_ file: URL) throws {
        utf8 = try Self.isUTF8(file)
        handle = try FileHandle(forReadingFrom: file)
        size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? UInt64) ?? 0
        try fill()
        if utf8, pending.first == "\u{FEFF}" { position = 1 }
        separator = Self.guessSeparator(pending[position...].prefix(20_000))
    }

    public var progress: Double { size == 0 ? 1 : Double(bytesRead) / Double(size) }

    public mutating func next() throws -> [String]? {
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var length = 0
        var quoted = false
        var sawAnything = false
        while true {
            if position >= pending.count {
                if finished { break }
                try fill()
                continue
            }
            let scalar = pending[position]
            position += 1
            sawAnything = true
            if quoted {
                if scalar == "\"" {
                    if try peek() == "\"" { field.append("\""); position += 1 } else { quoted = false }
                } else {
                    field.append(scalar)
                }
            } else if scalar == "\"" && field.isEmpty {
                quoted = true
            } else if scalar == separator {
                fields.append(String(field)); field = .init(); length = 0
            } else if scalar == "\n" || scalar == "\r" {
                if scalar == "\r", try peek() == "\n" { position += 1 }
                fields.append(String(field))
                return fields
            } else {
                field.append(scalar)
            }
            length += 1
            if length > SheetReader.maxCellLength { throw SheetReadError.cellTooLarge }
        }
        guard sawAnything else { return nil }
        fields.append(String(field))
        return fields
    }

    mutating func peek() throws -> Unicode.Scalar? {
        if position >= pending.count && !finished { try fill() }
        return position < pending.count ? pending[position] : nil
    }

    /// Decodes the next chunk; a UTF-8 sequence cut at the chunk's end waits for the next.
    mutating func fill() throws {
        pending.removeFirst(min(position, pending.count))
        position = 0
        guard let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty else {
            finished = true
            if !carry.isEmpty { pending.append(contentsOf: String(decoding: carry, as: UTF8.self).unicodeScalars); carry = Data() }
            try handle.close()
            return
        }
        bytesRead += UInt64(chunk.count)
        if utf8 {
            let (complete, rest) = Self.splitIncomplete(carry + chunk)
            carry = rest
            pending.append(contentsOf: String(decoding: complete, as: UTF8.self).unicodeScalars)
        } else {
            pending.append(contentsOf: chunk.map { Self.windows1252($0) })
        }
    }

    /// Whether the whole file is valid UTF-8 (checked in chunks).
    static func isUTF8(_ file: URL) throws -> Bool {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var carry = Data()
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            let (complete, rest) = splitIncomplete(carry + chunk)
            if String(data: complete, encoding: .utf8) == nil { return false }
            carry = rest
        }
        return carry.isEmpty
    }

    /// Splits off a UTF-8 sequence cut short at the end of a chunk.
    static func splitIncomplete(_ bytes: Data) -> (Data, Data) {
        let bytes = Data(bytes)
        var index = bytes.count - 1
        var continuation = 0
        while index >= 0 && continuation < 3 && (bytes[index] & 0xC0) == 0x80 { index -= 1; continuation += 1 }
        guard index >= 0, bytes[index] >= 0xC0 else { return (bytes, Data()) }
        let length = bytes[index] >= 0xF0 ? 4 : bytes[index] >= 0xE0 ? 3 : 2
        return continuation + 1 < length ? (bytes.prefix(index), bytes.suffix(from: index)) : (bytes, Data())
    }

    /// The separator that appears most often outside quotes in the first line.
    static func guessSeparator(_ text: ArraySlice<Unicode.Scalar>) -> Unicode.Scalar {
        var counts: [Unicode.Scalar: Int] = [",": 0, ";": 0, "\t": 0]
        var quoted = false
        for scalar in text {
            if scalar == "\"" { quoted.toggle() }
            if !quoted && (scalar == "\n" || scalar == "\r") { break }
            if !quoted, counts[scalar] != nil { counts[scalar]! += 1 }
        }
        return [";", ",", "\t"].max { counts[$0]! < counts[$1]! } ?? ";"
    }

    /// Windows-1252: Latin-1 plus the printable characters at 0x80–0x9F (€, “, ”, …).
    static func windows1252(_ byte: UInt8) -> Unicode.Scalar {
        let high: [UInt32] = [0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039, 0x152,
                              0x8D, 0x17D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC, 0x2122,
                              0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178]
        if (0x80...0x9F).contains(byte) { return Unicode.Scalar(high[Int(byte) - 0x80])! }
        return Unicode.Scalar(byte)
    }
}
