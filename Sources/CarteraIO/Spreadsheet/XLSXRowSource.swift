import Foundation
import ZIPFoundation

/// The first sheet of an `.xlsx`: shared strings, inline strings, formulas
/// (their cached values), booleans and date-formatted numbers. The sheet is
/// inflated (`InflatedEntry`) and parsed (`SheetParser`) on threads of their own
/// while its rows are read; a sheet that is no XML fails where it breaks.
/// Guards against zip bombs: at most `maxUncompressed` bytes are inflated.
public struct XLSXRowSource: RowSource {
    public static let maxUncompressed: UInt64 = 400 << 20
    let rows: Rows

    public init(_ file: URL, maxUncompressed: UInt64 = Self.maxUncompressed) throws {
        let archive: Archive
        do { archive = try Archive(url: file, accessMode: .read) } catch { throw SheetReadError.notASpreadsheet }
        var budget = maxUncompressed
        let workbook = try Self.text(archive, "xl/workbook.xml", budget: &budget)
        let relations = try Self.text(archive, "xl/_rels/workbook.xml.rels", budget: &budget)
        guard let sheetID = Self.firstAttribute("r:id", in: workbook, element: "sheet"),
              let target = Self.relationTarget(sheetID, in: relations) else { throw SheetReadError.notASpreadsheet }
        let sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        let shared = archive["xl/sharedStrings.xml"] == nil ? [] : try SharedStrings.parse(Self.data(archive, "xl/sharedStrings.xml", budget: &budget))
        let dateStyles = archive["xl/styles.xml"] == nil ? [] : try DateStyles.parse(Self.data(archive, "xl/styles.xml", budget: &budget))
        guard let sheet = archive[sheetPath] else { throw SheetReadError.notASpreadsheet }
        rows = Rows(SheetParser.start(InflatedEntry(archive, sheet, budget: budget), shared: shared, dateStyles: dateStyles))
    }

    public var progress: Double { rows.queue.progress }

    public mutating func next() throws -> [String]? { try rows.queue.take() }

    /// Closes the queue when the source goes, so the parser stops (and with it the inflating).
    final class Rows {
        let queue: SheetRowQueue
        init(_ queue: SheetRowQueue) { self.queue = queue }
        deinit { queue.close() }
    }

    // MARK: Zip parts

    static func data(_ archive: Archive, _ path: String, budget: inout UInt64) throws -> Data {
        guard let entry = archive[path] else { throw SheetReadError.notASpreadsheet }
        var data = Data()
        var left = budget
        _ = try archive.extract(entry, skipCRC32: false) { chunk in
            guard UInt64(chunk.count) <= left else { throw SheetReadError.tooLarge }
            left -= UInt64(chunk.count)
            data.append(chunk)
        }
        budget = left
        return data
    }

    static func text(_ archive: Archive, _ path: String, budget: inout UInt64) throws -> String {
        String(decoding: try data(archive, path, budget: &budget), as: UTF8.self)
    }

    static func firstAttribute(_ name: String, in xml: String, element: String) -> String? {
        guard let start = xml.range(of: "<\(element) ") else { return nil }
        let tag = xml[start.upperBound...].prefix { $0 != ">" }
        guard let attribute = tag.range(of: "\(name)=\"") else { return nil }
        return String(tag[attribute.upperBound...].prefix { $0 != "\"" })
    }

    static func relationTarget(_ id: String, in xml: String) -> String? {
        for part in xml.components(separatedBy: "<Relationship ").dropFirst() where part.contains("Id=\"\(id)\"") {
            guard let range = part.range(of: "Target=\"") else { continue }
            return String(part[range.upperBound...].prefix { $0 != "\"" })
        }
        return nil
    }
}

/// The `<si>` texts of `sharedStrings.xml`, rich-text runs joined, phonetic hints left out.
struct SharedStrings: XMLScanner.Reader {
    var strings: [String] = []
    var current: [UInt8] = []
    var inText = false
    var inPhonetic = false

    static func parse(_ data: Data) throws -> [String] {
        var reader = SharedStrings()
        var scanner = XMLScanner(data)
        _ = try scanner.scan(&reader)
        return reader.strings
    }

    mutating func start(_ tag: XMLScanner.Tag, empty: Bool) -> Bool {
        if tag.named("si") { current = [] }
        if tag.named("rPh") { inPhonetic = true }
        if tag.named("t") { inText = !inPhonetic }
        return true
    }

    mutating func end(_ tag: XMLScanner.Tag) -> Bool {
        if tag.named("si") { strings.append(String(decoding: current, as: UTF8.self)) }
        if tag.named("rPh") { inPhonetic = false }
        if tag.named("t") { inText = false }
        return true
    }

    mutating func text(_ bytes: ArraySlice<UInt8>, raw: Bool) throws(SheetReadError) {
        guard inText else { return }
        try XMLScanner.append(bytes, raw: raw, to: &current)
    }
}

/// Which cell styles (`s=` indexes) show numbers as dates.
struct DateStyles: XMLScanner.Reader {
    var customDateFormats: Set<Int> = []
    var styles: [Int] = []
    var inCellXfs = false

    static func parse(_ data: Data) throws -> Set<Int> {
        var reader = DateStyles()
        var scanner = XMLScanner(data)
        _ = try scanner.scan(&reader)
        let builtIn = Set(14...22).union(45...47)
        return Set(reader.styles.enumerated().compactMap { index, format in
            builtIn.contains(format) || reader.customDateFormats.contains(format) ? index : nil
        })
    }

    mutating func start(_ tag: XMLScanner.Tag, empty: Bool) throws(SheetReadError) -> Bool {
        if tag.named("numFmt"), let id = try tag.attribute("numFmtId").flatMap(Int.init), let code = try tag.attribute("formatCode") {
            // A date format mentions days or years outside quoted text and colour brackets.
            let bare = code.replacingOccurrences(of: #""[^"]*""#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #"\[[^\]]*\]"#, with: "", options: .regularExpression).lowercased()
            if bare.contains("d") || bare.contains("y") { customDateFormats.insert(id) }
        }
        if tag.named("cellXfs") { inCellXfs = true }
        if tag.named("xf"), inCellXfs { styles.append(try tag.attribute("numFmtId").flatMap(Int.init) ?? 0) }
        return true
    }

    mutating func end(_ tag: XMLScanner.Tag) -> Bool {
        if tag.named("cellXfs") { inCellXfs = false }
        return true
    }

    func text(_ bytes: ArraySlice<UInt8>, raw: Bool) {}
}
