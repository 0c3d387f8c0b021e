import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses a worksheet's XML on a thread of its own, handing rows over through
/// a `SheetRowQueue` as they end: the reader starts on the first rows while
/// the rest are parsed on another core. Rows keep their sheet numbers: skipped
/// rows come out empty.
final class SheetParser: NSObject, XMLParserDelegate {
    let shared: [String]
    let dateStyles: Set<Int>
    let queue: SheetRowQueue
    let stream: InputStream
    var row: [String] = []
    var rowNumber = 0
    var column = 0
    var cellType = ""
    var cellStyle = 0
    var value = ""
    var collecting = false
    var failure: SheetReadError?
    /// Whether `</sheetData>` came: a stream cut short can end without libxml2 reporting it.
    var complete = false

    init(stream: InputStream, queue: SheetRowQueue, shared: [String], dateStyles: Set<Int>) {
        self.stream = stream
        self.queue = queue
        self.shared = shared
        self.dateStyles = dateStyles
    }

    /// Starts parsing `sheet` (deleted once read) and returns the queue its rows come through.
    static func start(_ sheet: URL, shared: [String], dateStyles: Set<Int>) throws -> SheetRowQueue {
        let size = (try FileManager.default.attributesOfItem(atPath: sheet.path)[.size] as? UInt64) ?? 0
        let queue = SheetRowQueue(size: size)
        let thread = Thread {
            Thread.current.name = "cartera-sheet"  // from inside, as `ReadAhead` names its thread
            defer { try? FileManager.default.removeItem(at: sheet) }
            guard let stream = InputStream(url: sheet) else { return queue.finish(failure: .notASpreadsheet) }
            let delegate = SheetParser(stream: stream, queue: queue, shared: shared, dateStyles: dateStyles)
            let parser = XMLParser(stream: stream)
            parser.delegate = delegate
            let parsed = parser.parse()
            let whole = parsed && delegate.complete
            queue.finish(failure: delegate.failure ?? (whole || queue.isClosed ? nil : .notASpreadsheet))
        }
        thread.start()
        return queue
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
        if value.utf8.count > SheetReader.maxCellLength, value.count > SheetReader.maxCellLength {
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
        case "row":
            if !emit(row) { parser.abortParsing() }
        case "sheetData": complete = true
        default: break
        }
    }

    /// Hands a row to the reader; false once the reader has gone.
    @discardableResult
    func emit(_ cells: [String]) -> Bool {
        let offset = (stream.property(forKey: .fileCurrentOffsetKey) as? NSNumber)?.uint64Value ?? 0
        return queue.put(cells, offset: offset)
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

/// Rows on their way from the parsing thread to the reader: at most `capacity`
/// wait, so a big sheet is never held whole; a reader that goes away (`close`)
/// lets the parser stop.
final class SheetRowQueue: @unchecked Sendable {
    static let capacity = 2_000
    private let condition = NSCondition()
    private var rows: [[String]] = []
    private var head = 0
    private var finished = false
    private var failure: SheetReadError?
    private var closed = false
    private let size: UInt64
    private var offset: UInt64 = 0

    init(size: UInt64) { self.size = size }

    /// The share of the sheet parsed so far.
    var progress: Double { condition.withLock { size == 0 ? 1 : min(1, Double(offset) / Double(size)) } }

    var isClosed: Bool { condition.withLock { closed } }

    /// Waits for room, then adds a row; once the reader has gone the row is dropped and
    /// the answer is false, so the parser can stop.
    func put(_ row: [String], offset: UInt64) -> Bool {
        condition.withLock {
            while rows.count - head >= Self.capacity && !closed { condition.wait() }
            guard !closed else { return false }
            if head > Self.capacity { rows.removeFirst(head); head = 0 }
            rows.append(row)
            self.offset = offset
            condition.broadcast()
            return true
        }
    }

    func finish(failure: SheetReadError?) {
        condition.withLock {
            finished = true
            self.failure = failure
            condition.broadcast()
        }
    }

    /// The next row, waiting for the parser; `nil` after the last; the parse's failure in its place.
    func take() throws(SheetReadError) -> [String]? {
        condition.lock()
        defer { condition.unlock() }
        while head == rows.count && !finished { condition.wait() }
        if head < rows.count {
            defer { head += 1; condition.broadcast() }
            return rows[head]
        }
        if let failure { throw failure }
        return nil
    }

    func close() {
        condition.withLock {
            closed = true
            rows = []
            head = 0
            condition.broadcast()
        }
    }
}
