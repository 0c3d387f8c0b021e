import CarteraIO
import CarteraCore
import Foundation

/// An uploaded spreadsheet read whole: its header and rows (the small imports: master items, assets).
enum SheetRows {
    static let maxRows = 50_000

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
