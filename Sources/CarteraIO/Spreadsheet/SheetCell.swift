import Foundation

/// A typed spreadsheet value: numbers, dates and booleans stay typed in Excel.
public enum SheetCell: Sendable, Hashable {
    case text(String)
    case integer(Int64)
    case decimal(Double)
    case bool(Bool)
    /// An instant, shown as local date and time in `timeZone`.
    case dateTime(Date)
    /// A calendar date `YYYY-MM-DD`.
    case date(year: Int, month: Int, day: Int)

    /// The value as CSV shows it.
    func csvText(timeZone: TimeZone) -> String {
        switch self {
        case .text(let s): s
        case .integer(let i): String(i)
        case .decimal(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): b ? "true" : "false"
        case .dateTime(let date):
            date.formatted(Date.ISO8601FormatStyle(timeZone: timeZone).year().month().day().dateSeparator(.dash)
                .time(includingFractionalSeconds: false).timeSeparator(.colon)).replacingOccurrences(of: "T", with: " ")
        case .date(let y, let m, let d): String(format: "%04d-%02d-%02d", y, m, d)
        }
    }

    /// Dates carry their own number format in a sheet.
    var isDate: Bool {
        switch self {
        case .dateTime, .date: true
        default: false
        }
    }

    /// Characters a column of this value needs, for column widths.
    var width: Int {
        switch self {
        case .text(let s): s.count
        case .dateTime: 16
        case .date: 10
        default: csvText(timeZone: .gmt).count
        }
    }
}

/// A column of an exported sheet.
public struct SheetColumn: Sendable {
    public let header: String
    public init(_ header: String) { self.header = header }
}

/// Something that takes rows one at a time and ends up as a file.
public protocol SheetWriter {
    mutating func write(_ row: [SheetCell?]) throws
    /// Finishes the file and returns where it is; the caller deletes it.
    mutating func finish() throws -> URL
}

/// More rows or bytes than an `.xlsx` can hold (Excel's 1,048,576 rows; 4 GiB,
/// as Cartera writes no ZIP64): the caller offers CSV instead.
public struct SheetTooLarge: Error, Sendable {
    public init() {}
}
