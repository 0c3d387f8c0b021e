import CarteraIO
import Foundation
import Synchronization

/// Which file a download is.
enum SheetFormat: String, Sendable {
    case xlsx, csv
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
        return try state.withLock { state in
            if let error = state.error { throw error }
            return try state.writer.finish()
        }
    }
}
