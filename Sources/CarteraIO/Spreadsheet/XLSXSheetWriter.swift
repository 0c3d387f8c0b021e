import Foundation
import ZIPFoundation

/// A one-sheet `.xlsx` written as rows arrive: the rows go to a temporary file,
/// then into the zip from disk, so memory does not grow with the row count.
/// Header bold and frozen; numbers, dates and booleans as typed cells; inline
/// strings (no shared-strings table to hold in memory); widths from the first rows.
public struct XLSXSheetWriter: SheetWriter {
    let columns: [SheetColumn]
    let sheetName: String
    let timeZone: TimeZone
    let rows: BufferedFile
    var rowNumber = 1
    var widths: [Int]

    /// Rows looked at for column widths; later rows do not change them.
    static let widthSample = 500

    public init(columns: [SheetColumn], sheetName: String, timeZone: TimeZone) throws {
        self.columns = columns
        self.sheetName = String(sheetName.filter { !"[]:*?/\\".contains($0) }.prefix(31))
        self.timeZone = timeZone
        rows = try BufferedFile(suffix: ".rows.xml")
        widths = columns.map { $0.header.count + 2 }
        try rows.write(Self.row(1, columns.map { .text($0.header) }, style: 1, timeZone: timeZone))
    }

    public mutating func write(_ row: [SheetCell?]) throws {
        rowNumber += 1
        if rowNumber <= Self.widthSample {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], min(60, (cell?.width ?? 0) + 2))
            }
        }
        try rows.write(Self.row(rowNumber, row, style: nil, timeZone: timeZone))
    }

    public mutating func finish() throws -> URL {
        let rowsURL = try rows.close()
        defer { try? FileManager.default.removeItem(at: rowsURL) }
        let sheet = try BufferedFile(suffix: ".sheet.xml")
        let cols = widths.enumerated().map { #"<col min="\#($0.offset + 1)" max="\#($0.offset + 1)" width="\#($0.element)" customWidth="1"/>"# }
        try sheet.write("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
            </sheetView></sheetViews><cols>\(cols.joined())</cols><sheetData>
            """)
        let input = try FileHandle(forReadingFrom: rowsURL)
        while let chunk = try input.read(upToCount: 1 << 16), !chunk.isEmpty {
            try sheet.write(chunk)
        }
        try input.close()
        try sheet.write("</sheetData></worksheet>")
        let sheetURL = try sheet.close()
        defer { try? FileManager.default.removeItem(at: sheetURL) }

        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cartera-\(UUID().uuidString).xlsx")
        let archive = try Archive(url: output, accessMode: .create)
        for (path, text) in Self.fixedParts(sheetName: sheetName) {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) {
                position, size in data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", fileURL: sheetURL, compressionMethod: .deflate)
        return output
    }

    // MARK: XML

    static func row(_ number: Int, _ cells: [SheetCell?], style: Int?, timeZone: TimeZone) -> String {
        var xml = #"<row r="\#(number)">"#
        for (index, cell) in cells.enumerated() {
            guard let cell else { continue }
            let ref = columnName(index) + String(number)
            let s = style.map { #" s="\#($0)""# } ?? ""
            switch cell {
            case .text(let text):
                xml += #"<c r="\#(ref)" t="inlineStr"\#(s)><is><t xml:space="preserve">\#(escape(text))</t></is></c>"#
            case .integer(let value): xml += #"<c r="\#(ref)"\#(s)><v>\#(value)</v></c>"#
            case .decimal(let value): xml += value.isFinite ? #"<c r="\#(ref)"\#(s)><v>\#(value)</v></c>"# : ""
            case .bool(let value): xml += #"<c r="\#(ref)" t="b"\#(s)><v>\#(value ? 1 : 0)</v></c>"#
            case .dateTime(let date):
                let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
                xml += #"<c r="\#(ref)" s="2"><v>\#(local / 86400 + 25569)</v></c>"#
            case .date(let y, let m, let d):
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = .gmt
                let day = calendar.date(from: DateComponents(year: y, month: m, day: d))?.timeIntervalSince1970 ?? 0
                xml += #"<c r="\#(ref)" s="3"><v>\#(Int(day / 86400) + 25569)</v></c>"#
            }
        }
        return xml + "</row>"
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
            case 0xBE, 0xBF where previous == (0xEF, 0xBF): return true
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
