import Foundation

/// Parses a worksheet's XML on a thread of its own, handing rows over through
/// a `SheetRowQueue` as they end: the reader starts on the first rows while
/// the rest are parsed on another core. Rows keep their sheet numbers: skipped
/// rows come out empty.
struct SheetParser: XMLScanner.Reader {
    enum CellType { case number, shared, boolean, error, text }

    let shared: [String]
    let dateStyles: Set<Int>
    let queue: SheetRowQueue
    let sheet: InflatedEntry
    var row: [String] = []
    var rowNumber = 0
    var column = 0
    var cellType = CellType.number
    var cellStyle = 0
    var value: [UInt8] = []
    var collecting = false
    /// Inside a phonetic hint (`rPh`), whose text is no part of the cell.
    var phonetic = false
    /// Whether `</sheetData>` came: a sheet without it was cut short.
    var complete = false

    /// Starts parsing `sheet` and returns the queue its rows come through.
    static func start(_ sheet: InflatedEntry, shared: [String], dateStyles: Set<Int>) -> SheetRowQueue {
        let queue = SheetRowQueue(size: sheet.size)
        let thread = Thread {
            Thread.current.name = "cartera-sheet"  // from inside, as `ReadAhead` names its thread
            defer { sheet.close() }
            var parser = SheetParser(shared: shared, dateStyles: dateStyles, queue: queue, sheet: sheet)
            var scanner = XMLScanner { try sheet.take() }
            do throws(SheetReadError) {
                let whole = try scanner.scan(&parser)
                queue.finish(failure: whole && !parser.complete ? .notASpreadsheet : nil)
            } catch {
                queue.finish(failure: error)
            }
        }
        thread.start()
        return queue
    }

    mutating func start(_ tag: XMLScanner.Tag, empty: Bool) throws(SheetReadError) -> Bool {
        if tag.named("row") {
            let number = try tag.rawAttribute("r").flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? rowNumber + 1
            // Past Excel's last row the gap would be millions of empty rows made for nothing.
            guard number <= XLSXSheetWriter.excelRows else { throw .notASpreadsheet }
            while rowNumber + 1 < number {
                guard emit([]) else { return false }
                rowNumber += 1
            }
            rowNumber = number
            row = []
            column = 0
        } else if tag.named("c") {
            column = try tag.rawAttribute("r").map(Self.columnIndex) ?? column
            cellType = try Self.cellType(tag.rawAttribute("t"))
            cellStyle = try tag.rawAttribute("s").flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
            value = []
        } else if tag.named("v") || tag.named("t") {
            collecting = !phonetic
        } else if tag.named("rPh") {
            phonetic = true
        }
        return true
    }

    mutating func end(_ tag: XMLScanner.Tag) throws(SheetReadError) -> Bool {
        if tag.named("v") || tag.named("t") {
            collecting = false
        } else if tag.named("c") {
            while row.count < column { row.append("") }
            row.append(cellText())
            column += 1
        } else if tag.named("row") {
            return emit(row)
        } else if tag.named("rPh") {
            phonetic = false
        } else if tag.named("sheetData") {
            complete = true
        }
        return true
    }

    mutating func text(_ bytes: ArraySlice<UInt8>, raw: Bool) throws(SheetReadError) {
        guard collecting else { return }
        try XMLScanner.append(bytes, raw: raw, to: &value)
        if value.count > SheetReader.maxCellLength, String(decoding: value, as: UTF8.self).count > SheetReader.maxCellLength {
            throw .cellTooLarge
        }
    }

    /// Hands a row to the reader; false once the reader has gone.
    func emit(_ cells: [String]) -> Bool {
        queue.put(cells, offset: sheet.offset)
    }

    func cellText() -> String {
        let text = String(decoding: value, as: UTF8.self)
        switch cellType {
        case .shared: return Int(text).flatMap { $0 < shared.count ? shared[$0] : nil } ?? ""
        case .boolean: return text == "1" ? "true" : "false"
        case .error: return ""
        case .text: return text
        case .number:
            guard let number = Double(text) else { return text }
            if dateStyles.contains(cellStyle) { return Self.date(serial: number) }
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        }
    }

    static func cellType(_ attribute: ArraySlice<UInt8>?) -> CellType {
        guard let attribute else { return .number }
        if XMLScanner.equal(attribute, "s") { return .shared }
        if XMLScanner.equal(attribute, "b") { return .boolean }
        if XMLScanner.equal(attribute, "e") { return .error }
        if XMLScanner.equal(attribute, "inlineStr") || XMLScanner.equal(attribute, "str") { return .text }
        return .number
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
    static func columnIndex(_ reference: ArraySlice<UInt8>) -> Int {
        var index = 0
        for byte in reference {
            guard (65...90).contains(byte) else { break }
            index = index * 26 + Int(byte - 64)
        }
        return max(0, index - 1)
    }
}

/// Rows on their way from the parsing thread to the reader: at most `capacity`
/// wait, so a big sheet is never held whole; a reader that goes away (`close`)
/// lets the parser stop. Each side wakes the other only when it waits: a wake-up
/// per row was a futex call on each side, a twentieth of the reader's time.
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
    /// The parser waits for the queue to drain to half, the reader for a row.
    private var parserWaits = false
    private var readerWaits = false

    init(size: UInt64) { self.size = size }

    /// The share of the sheet parsed so far.
    var progress: Double { condition.withLock { size == 0 ? 1 : min(1, Double(offset) / Double(size)) } }

    var isClosed: Bool { condition.withLock { closed } }

    /// Waits for room, then adds a row; once the reader has gone the row is dropped and
    /// the answer is false, so the parser can stop.
    func put(_ row: [String], offset: UInt64) -> Bool {
        condition.withLock {
            while rows.count - head >= Self.capacity && !closed {
                parserWaits = true
                condition.wait()
            }
            guard !closed else { return false }
            if head > Self.capacity { rows.removeFirst(head); head = 0 }
            rows.append(row)
            self.offset = offset
            if readerWaits {
                readerWaits = false
                condition.broadcast()
            }
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
        while head == rows.count && !finished {
            readerWaits = true
            condition.wait()
        }
        guard head < rows.count else {
            if let failure { throw failure }
            return nil
        }
        defer { head += 1 }
        if parserWaits, rows.count - head <= Self.capacity / 2 {
            parserWaits = false
            condition.broadcast()
        }
        return rows[head]
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
