import CarteraCore
import CarteraIO
import Foundation
import Synchronization

/// Which file a download is.
enum SheetFormat: String, Sendable {
    case xlsx, csv

    /// The `format` a download link asks for (`.xlsx` when absent); anything else is a bad request.
    static func requested(_ form: FormData) throws -> SheetFormat {
        guard let format = SheetFormat(rawValue: form["format"] ?? "xlsx") else {
            throw ValidationFailure([FieldError("format", "invalid_choice")])
        }
        return format
    }
}

/// Writes rows produced by a streaming store read into a temporary `.xlsx` or
/// CSV file, one row at a time; any list's download goes through here.
struct SheetExport: Sendable {
    let columns: [SheetColumn]
    let sheetName: String
    let timeZone: TimeZone
    let format: SheetFormat
    var separator: CSVSheetWriter.Separator = .semicolon
    var byteOrderMark = true

    /// A list's download: the CSV options as its link gives them (`sep=comma`, `bom=0`).
    init(columns: [SheetColumn], sheetName: String, timeZone: TimeZone, format: SheetFormat, options form: FormData) {
        self.init(columns: columns, sheetName: sheetName, timeZone: timeZone, format: format,
                  separator: form["sep"] == "comma" ? .comma : .semicolon, byteOrderMark: form["bom"] != "0")
    }

    init(columns: [SheetColumn], sheetName: String, timeZone: TimeZone, format: SheetFormat,
         separator: CSVSheetWriter.Separator = .semicolon, byteOrderMark: Bool = true) {
        self.columns = columns; self.sheetName = sheetName; self.timeZone = timeZone; self.format = format
        self.separator = separator; self.byteOrderMark = byteOrderMark
    }

    func write<Item>(_ produce: (@escaping @Sendable (Item) -> Void) async throws -> Void,
                     cells: @escaping @Sendable (Item) -> [SheetCell?]) async throws -> URL {
        let writer: any SheetWriter = switch format {
        case .xlsx: try XLSXSheetWriter(columns: columns, sheetName: sheetName, timeZone: timeZone)
        case .csv: try CSVSheetWriter(columns: columns, separator: separator, byteOrderMark: byteOrderMark, timeZone: timeZone)
        }
        let state = Mutex<(writer: any SheetWriter, error: (any Error)?)>((writer, nil))
        try await produce { item in
            let row = cells(item)
            state.withLock { state in
                guard state.error == nil else { return }
                do { try state.writer.write(row) } catch { state.error = error }
            }
        }
        do {
            return try state.withLock { state in
                if let error = state.error { throw error }
                return try state.writer.finish()
            }
        } catch is SheetTooLarge {
            throw ValidationFailure([FieldError("format", "xlsx_too_large")])
        }
    }
}
