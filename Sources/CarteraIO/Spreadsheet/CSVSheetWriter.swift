import Foundation

/// RFC 4180 CSV in UTF-8, with `,` or `;` (Spanish-locale Excel expects `;`) and
/// an optional BOM so Excel detects UTF-8. Writes straight to a temporary file.
public struct CSVSheetWriter: SheetWriter {
    public enum Separator: String, Sendable { case comma = ",", semicolon = ";" }

    let output: BufferedFile
    let separator: Separator
    let timeZone: TimeZone

    public init(columns: [SheetColumn], separator: Separator, byteOrderMark: Bool, timeZone: TimeZone) throws {
        output = try BufferedFile(suffix: ".csv")
        self.separator = separator
        self.timeZone = timeZone
        if byteOrderMark { try output.write("\u{FEFF}") }
        try line(columns.map { .text($0.header) })
    }

    public mutating func write(_ row: [SheetCell?]) throws { try line(row) }

    func line(_ row: [SheetCell?]) throws {
        try output.write(row.map { Self.quote($0?.csvText(timeZone: timeZone) ?? "", separator.rawValue) }
            .joined(separator: separator.rawValue) + "\r\n")
    }

    public mutating func finish() throws -> URL { try output.close() }

    static func quote(_ text: String, _ separator: String) -> String {
        guard text.contains(separator) || text.contains("\"") || text.contains("\n") || text.contains("\r") else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A temporary file written through a buffer: rows go to disk, not to memory.
final class BufferedFile {
    let url: URL
    private let handle: FileHandle
    private var buffer = Data()

    init(suffix: String) throws {
        url = TemporarySheets.url(suffix: suffix)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
    }

    func write(_ text: String) throws {
        try write(Data(text.utf8))
    }

    /// Raw bytes, e.g. a copied file: never decoded, so a character split
    /// between two chunks stays whole.
    func write(_ bytes: Data) throws {
        buffer.append(bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws -> URL {
        try flush()
        try handle.close()
        return url
    }
}
