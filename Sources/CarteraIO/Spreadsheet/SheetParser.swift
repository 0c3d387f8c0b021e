import CarteraCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Streams a worksheet's XML into a file of JSON rows (one array of strings a
/// line). Rows keep their sheet numbers: skipped rows come out empty.
final class SheetParser: NSObject, XMLParserDelegate {
    let shared: [String]
    let dateStyles: Set<Int>
    let output: BufferedFile
    var row: [String] = []
    var rowNumber = 0
    var column = 0
    var cellType = ""
    var cellStyle = 0
    var value = ""
    var collecting = false
    var failure: (any Error)?

    init(shared: [String], dateStyles: Set<Int>) throws {
        self.shared = shared
        self.dateStyles = dateStyles
        output = try BufferedFile(suffix: ".rows.jsonl")
    }

    static func parse(_ sheet: URL, shared: [String], dateStyles: Set<Int>) throws -> LineFile {
        let delegate = try SheetParser(shared: shared, dateStyles: dateStyles)
        guard let stream = InputStream(url: sheet) else { throw SheetReadError.notASpreadsheet }
        let parser = XMLParser(stream: stream)
        parser.delegate = delegate
        let parsed = parser.parse()
        let url = try delegate.output.close()
        if let failure = delegate.failure { try? FileManager.default.removeItem(at: url); throw failure }
        guard parsed else { try? FileManager.default.removeItem(at: url); throw SheetReadError.notASpreadsheet }
        return try LineFile(url)
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "row":
            let number = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            while rowNumber + 1 < number { emit([]); rowNumber += 1 }
            rowNumber = number
            row = []
            column = 0
        case "c":
            column = attributes["r"].map(Self.columnIndex) ?? column
            cellType = attributes["t"] ?? "n"
            cellStyle = attributes["s"].flatMap(Int.init) ?? 0
            value = ""
        case "v", "t":
            collecting = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard collecting else { return }
        value += string
        if value.count > SheetReader.maxCellLength {
            failure = SheetReadError.cellTooLarge
            parser.abortParsing()
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v", "t": collecting = false
        case "c":
            while row.count < column { row.append("") }
            row.append(cellText())
            column += 1
        case "row": emit(row)
        default: break
        }
    }

    func emit(_ cells: [String]) {
        do {
            try output.write(cells.jsonString() + "\n")
        } catch {
            failure = error
        }
    }

    func cellText() -> String {
        switch cellType {
        case "s": return Int(value).flatMap { $0 < shared.count ? shared[$0] : nil } ?? ""
        case "b": return value == "1" ? "true" : "false"
        case "e": return ""
        case "inlineStr", "str": return value
        default:
            guard let number = Double(value) else { return value }
            if dateStyles.contains(cellStyle) { return Self.date(serial: number) }
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        }
    }

    /// An Excel serial day (1900 system) as `YYYY-MM-DD`, with the time when it has one.
    static func date(serial: Double) -> String {
        let seconds = ((serial - 25569) * 86400).rounded()
        let date = Date(timeIntervalSince1970: seconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        if c.hour == 0 && c.minute == 0 && c.second == 0 { return day }
        return day + String(format: " %02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// "C12" → 2.
    static func columnIndex(_ reference: String) -> Int {
        var index = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) else { break }
            index = index * 26 + Int(scalar.value - 64)
        }
        return max(0, index - 1)
    }
}

/// A temporary file read back a line at a time, deleted when done.
final class LineFile {
    let url: URL
    let handle: FileHandle
    let size: UInt64
    var buffer = Data()
    /// Where the next line starts in `buffer`: lines are sliced off without copying the rest.
    var start = 0
    var bytesRead: UInt64 = 0
    var finished = false

    init(_ url: URL) throws {
        self.url = url
        handle = try FileHandle(forReadingFrom: url)
        size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? UInt64) ?? 0
    }

    deinit {
        try? handle.close()
        try? FileManager.default.removeItem(at: url)
    }

    /// The share of the file read so far.
    var progress: Double { size == 0 ? 1 : Double(bytesRead) / Double(size) }

    func nextLine() throws -> Data? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                start = newline + 1
                return Data(line)
            }
            if finished {
                guard start < buffer.count else { return nil }
                defer { buffer = Data(); start = 0 }
                return Data(buffer[start...])
            }
            if let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                buffer = Data(buffer[start...]) + chunk
                start = 0
                bytesRead += UInt64(chunk.count)
            } else {
                finished = true
            }
        }
    }
}
