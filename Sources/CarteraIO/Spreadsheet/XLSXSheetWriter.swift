import Foundation

/// A one-sheet `.xlsx` written as rows arrive: each row's XML is built as bytes
/// and deflated straight into the zip (`ZipWriter`, on a second core), so memory
/// does not grow with the row count and the rows are never copied through another file.
/// Header bold and frozen; numbers, dates and booleans as typed cells; inline
/// strings (no shared-strings table to hold in memory); widths from the first
/// rows, which wait in memory until the widths are known.
public struct XLSXSheetWriter: SheetWriter {
    /// Excel opens no more rows than this in a sheet (header included).
    static let excelRows = 1_048_576
    /// Rows looked at for column widths; later rows do not change them.
    static let widthSample = 500

    let columns: [SheetColumn]
    let sheetName: String
    let timeZone: TimeZone
    let url: URL
    let zip: BackgroundZipWriter
    /// Row XML not yet handed to the zip.
    var pending: [UInt8] = []
    var rowNumber = 1
    var widths: [Int]
    var sheetStarted = false
    var maxRows = Self.excelRows
    /// "A", "B", … as bytes, one per column.
    let columnRefs: [[UInt8]]

    public init(columns: [SheetColumn], sheetName: String, timeZone: TimeZone) throws {
        self.columns = columns
        self.sheetName = String(sheetName.filter { !"[]:*?/\\".contains($0) }.prefix(31))
        self.timeZone = timeZone
        url = TemporarySheets.url(suffix: ".xlsx")
        zip = BackgroundZipWriter(try ZipWriter(url: url))
        widths = columns.map { $0.header.count + 2 }
        columnRefs = columns.indices.map { Array(Self.columnName($0).utf8) }
        pending.reserveCapacity(1 << 17)
        do {
            let parts = Self.fixedParts(sheetName: self.sheetName)
            try zip.sync { zip in for (path, text) in parts { try zip.add(path, Array(text.utf8)) } }
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        appendRow(1, columns.map { .text($0.header) }, style: 1)
    }

    public mutating func write(_ row: [SheetCell?]) throws {
        guard rowNumber < maxRows else {
            try? FileManager.default.removeItem(at: url)
            throw SheetTooLarge()
        }
        rowNumber += 1
        if rowNumber <= Self.widthSample {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], min(60, (cell?.width ?? 0) + 2))
            }
        } else if !sheetStarted {
            try startSheet()
        }
        appendRow(rowNumber, row, style: nil)
        if sheetStarted && pending.count >= 1 << 16 { flush() }
    }

    public mutating func finish() throws -> URL {
        do {
            if !sheetStarted { try startSheet() }
            pending.append(contentsOf: "</sheetData></worksheet>".utf8)
            flush()
            try zip.sync { zip in
                try zip.end()
                try zip.close()
            }
            return url
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw error is ZipWriter.TooLarge ? SheetTooLarge() : error
        }
    }

    /// The sheet's opening, with the column widths the sampled rows gave, then the rows so far.
    mutating func startSheet() throws {
        let cols = widths.enumerated().map { #"<col min="\#($0.offset + 1)" max="\#($0.offset + 1)" width="\#($0.element)" customWidth="1"/>"# }
        let opening = Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
            </sheetView></sheetViews><cols>\(cols.joined())</cols><sheetData>
            """.utf8)
        try zip.sync { zip in
            try zip.begin("xl/worksheets/sheet1.xml")
            try zip.write(opening)
        }
        sheetStarted = true
        flush()
    }

    mutating func flush() {
        zip.write(pending)
        pending.removeAll(keepingCapacity: true)
    }

    // MARK: XML

    mutating func appendRow(_ number: Int, _ cells: [SheetCell?], style: Int?) {
        let digits = Array(String(number).utf8)
        pending.append(contentsOf: #"<row r=""#.utf8)
        pending.append(contentsOf: digits)
        pending.append(contentsOf: #"">"#.utf8)
        for (index, cell) in cells.enumerated() where index < columnRefs.count {
            guard let cell else { continue }
            pending.append(contentsOf: #"<c r=""#.utf8)
            pending.append(contentsOf: columnRefs[index])
            pending.append(contentsOf: digits)
            pending.append(UInt8(ascii: "\""))
            if let style, !cell.isDate { pending.append(contentsOf: #" s="\#(style)""#.utf8) }
            switch cell {
            case .text(let text):
                pending.append(contentsOf: #" t="inlineStr"><is>"#.utf8)
                // Excel trims a cell's outer spaces unless told to keep them.
                let keepSpaces = Self.isSpace(text.utf8.first) || Self.isSpace(text.utf8.last)
                pending.append(contentsOf: (keepSpaces ? #"<t xml:space="preserve">"# : "<t>").utf8)
                pending.append(contentsOf: Self.escape(text).utf8)
                pending.append(contentsOf: "</t></is></c>".utf8)
            case .integer(let value): appendValue(String(value))
            case .decimal(let value): appendValue(value.isFinite ? String(value) : "")
            case .bool(let value): pending.append(contentsOf: #" t="b"><v>\#(value ? 1 : 0)</v></c>"#.utf8)
            case .dateTime(let date):
                let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
                pending.append(contentsOf: #" s="2""#.utf8)
                appendValue(String(local / 86400 + 25569))
            case .date(let y, let m, let d):
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = .gmt
                let day = calendar.date(from: DateComponents(year: y, month: m, day: d))?.timeIntervalSince1970 ?? 0
                pending.append(contentsOf: #" s="3""#.utf8)
                appendValue(String(Int(day / 86400) + 25569))
            }
        }
        pending.append(contentsOf: "</row>".utf8)
    }

    private static func isSpace(_ byte: UInt8?) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Closes a cell's opening tag with its value (an empty cell when `value` is empty).
    private mutating func appendValue(_ value: String) {
        if value.isEmpty { pending.append(contentsOf: "/>".utf8); return }
        pending.append(contentsOf: "><v>".utf8)
        pending.append(contentsOf: value.utf8)
        pending.append(contentsOf: "</v></c>".utf8)
    }

    /// A, B, … Z, AA, AB …
    static func columnName(_ index: Int) -> String {
        var index = index + 1
        var name = ""
        while index > 0 {
            let remainder = (index - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            index = (index - 1) / 26
        }
        return name
    }

    /// XML text: markup escaped, characters XML 1.0 forbids dropped.
    static func escape(_ text: String) -> String {
        if !needsEscaping(text) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Most cells have nothing to escape or drop: say so from the bytes, without
    /// building a new string. (U+FFFE and U+FFFF are EF BF BE/BF in UTF-8.)
    static func needsEscaping(_ text: String) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""): return true
            case 0xBE where previous == (0xEF, 0xBF), 0xBF where previous == (0xEF, 0xBF): return true
            case ..<0x20 where byte != 0x09 && byte != 0x0A && byte != 0x0D: return true
            default: previous = (previous.1, byte)
            }
        }
        return false
    }

    static func fixedParts(sheetName: String) -> [(String, String)] {
        let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        return [
            ("[Content_Types].xml", header + """
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                <Default Extension="xml" ContentType="application/xml"/>\
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
                <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
                </Types>
                """),
            ("_rels/.rels", header + """
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
                </Relationships>
                """),
            ("xl/workbook.xml", header + """
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
                xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
                <sheets><sheet name="\(escape(sheetName))" sheetId="1" r:id="rId1"/></sheets></workbook>
                """),
            ("xl/_rels/workbook.xml.rels", header + """
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
                </Relationships>
                """),
            // Styles: 0 normal, 1 bold header, 2 date and time, 3 date.
            ("xl/styles.xml", header + """
                <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
                <numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>\
                <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
                <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
                <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
                <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
                <cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
                <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
                <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
                <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
                <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
                </styleSheet>
                """),
        ]
    }
}
