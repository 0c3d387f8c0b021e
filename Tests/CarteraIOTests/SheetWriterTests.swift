@testable import CarteraIO
import Foundation
import Testing
import ZIPFoundation

@Suite("Spreadsheets written for people")
struct SheetWriterTests {
    let columns = [SheetColumn("N.º"), SheetColumn("Razón social"), SheetColumn("Alta"), SheetColumn("VIP")]
    let row: [SheetCell?] = [.integer(7), .text("Peña & Hijos <S.A.>; \"el mejor\""),
                             .dateTime(Date(timeIntervalSince1970: 1_700_000_000)), .bool(true)]

    @Test("CSV quotes separators, quotes and newlines; a BOM on request; semicolons for Spanish Excel")
    func csv() throws {
        var writer = try CSVSheetWriter(columns: columns, separator: .semicolon, byteOrderMark: true,
                                        timeZone: TimeZone(identifier: "America/Lima")!)
        try writer.write(row)
        try writer.write([.text("dos\nlíneas"), nil, nil, .bool(false)])
        let url = try writer.finish()
        defer { try? FileManager.default.removeItem(at: url) }
        let data = try Data(contentsOf: url)
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("N.º;Razón social;Alta;VIP\r\n"))
        #expect(text.contains("7;\"Peña & Hijos <S.A.>; \"\"el mejor\"\"\";2023-11-14 17:13:20;true\r\n"))
        #expect(text.hasSuffix("\"dos\nlíneas\";;;false\r\n"))
    }

    @Test("XLSX holds typed cells, a bold frozen header and a named sheet")
    func xlsx() throws {
        var writer = try XLSXSheetWriter(columns: columns, sheetName: "Clientes", timeZone: TimeZone(identifier: "UTC")!)
        try writer.write(row)
        let url = try writer.finish()
        defer { try? FileManager.default.removeItem(at: url) }
        let archive = try Archive(url: url, accessMode: .read)
        func part(_ path: String) throws -> String {
            var data = Data()
            _ = try archive.extract(archive[path]!) { data.append($0) }
            return String(decoding: data, as: UTF8.self)
        }
        let sheet = try part("xl/worksheets/sheet1.xml")
        #expect(sheet.contains(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#))
        #expect(sheet.contains(#"<c r="A1" t="inlineStr" s="1"><is><t xml:space="preserve">N.º</t></is></c>"#))
        #expect(sheet.contains(#"<c r="A2"><v>7</v></c>"#))
        #expect(sheet.contains("Peña &amp; Hijos &lt;S.A.&gt;; &quot;el mejor&quot;"))
        #expect(sheet.contains(#"<c r="C2" s="2"><v>45244.92592592593</v></c>"#))
        #expect(sheet.contains(#"<c r="D2" t="b"><v>1</v></c>"#))
        #expect(try part("xl/workbook.xml").contains(#"<sheet name="Clientes""#))
        #expect(try part("xl/styles.xml").contains("<b/>"))
    }

    @Test("column names run past Z")
    func columnNames() {
        #expect(XLSXSheetWriter.columnName(0) == "A")
        #expect(XLSXSheetWriter.columnName(25) == "Z")
        #expect(XLSXSheetWriter.columnName(26) == "AA")
        #expect(XLSXSheetWriter.columnName(701) == "ZZ")
    }

    @Test("cells with nothing to escape are written as they are; the rest are escaped and cleaned")
    func escapeFastPath() {
        #expect(!XLSXSheetWriter.needsEscaping("Peña e Hijos S.A.\tLínea\n2 – ok"))
        for text in ["A & B", "<b>", "say \"hi\"", "bell\u{7}", "x\u{FFFE}y", "x\u{FFFF}", "a>b"] {
            #expect(XLSXSheetWriter.needsEscaping(text), "\(text)")
        }
        #expect(XLSXSheetWriter.escape("x\u{FFFE}y\u{7} & <z>") == "xy &amp; &lt;z&gt;")
        #expect(XLSXSheetWriter.escape("\u{FFFD}\u{EFBF}") == "\u{FFFD}\u{EFBF}")
    }
}
