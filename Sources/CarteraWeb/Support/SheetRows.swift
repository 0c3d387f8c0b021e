import CarteraIO
import CarteraCore
import Foundation
import Hummingbird

/// An uploaded spreadsheet read whole: its header and rows (the small imports: master items, assets).
enum SheetRows {
    static let maxRows = 50_000

    /// The post's form fields, and the rows of its `file` part: received into a temporary folder, read, and the folder removed.
    /// Throws `SheetReadError` or `ValidationFailure` for a file that cannot be read as a spreadsheet.
    static func receive(_ request: Request) async throws -> (fields: [String: String], header: [String], rows: [[String]]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cartera-sheet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let upload = try await Upload.receive(request, fileField: "file", into: directory)
        let (header, rows) = try read(upload.file)
        return (upload.fields, header, rows)
    }

    static func read(_ file: URL?) throws -> (header: [String], rows: [[String]]) {
        guard let file else { throw SheetReadError.empty }
        var source = try SheetReader.open(file)
        guard let header = try source.next() else { throw SheetReadError.empty }
        var rows: [[String]] = []
        while let row = try source.next() {
            rows.append(row)
            if rows.count > maxRows { throw ValidationFailure([FieldError("file", "too_many", [String(maxRows)])]) }
        }
        return (header, rows)
    }
}
