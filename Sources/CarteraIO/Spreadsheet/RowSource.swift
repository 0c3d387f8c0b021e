import Foundation

/// Rows of an uploaded spreadsheet, one at a time, every cell as text
/// (numbers without trailing `.0`, dates `YYYY-MM-DD`, booleans `true`/`false`).
public protocol RowSource {
    /// The next row, or `nil` at the end.
    mutating func next() throws -> [String]?
    /// The share of the file read so far, 0...1, for a progress display.
    var progress: Double { get }
}

/// Why a file cannot be read; `code` is translated by the caller.
public struct SheetReadError: Error, Equatable, Sendable {
    public let code: String
    public let detail: String
    public init(_ code: String, _ detail: String = "") { self.code = code; self.detail = detail }

    public static let empty = SheetReadError("file_empty")
    public static let notASpreadsheet = SheetReadError("file_not_spreadsheet")
    public static let tooLarge = SheetReadError("file_too_large")
    public static let cellTooLarge = SheetReadError("file_cell_too_large")
}

/// Opens a file as `.xlsx` (by its zip signature) or as CSV.
public enum SheetReader {
    /// The largest cell accepted; a 10 MB cell is a mistake, not data.
    public static let maxCellLength = 100_000

    public static func open(_ file: URL) throws -> any RowSource {
        let handle = try FileHandle(forReadingFrom: file)
        let head = try handle.read(upToCount: 4096) ?? Data()
        try handle.close()
        guard !head.isEmpty else { throw SheetReadError.empty }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try XLSXRowSource(file) }
        // A NUL byte, or a known binary signature, is no CSV.
        if head.contains(0) || head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) || head.starts(with: [0x25, 0x50, 0x44, 0x46]) {
            throw SheetReadError.notASpreadsheet
        }
        return try CSVRowSource(file)
    }
}
