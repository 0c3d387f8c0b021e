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
        #expect(sheet.contains(#"<c r="A1" s="1" t="inlineStr"><is><t>N.º</t></is></c>"#))
        #expect(sheet.contains(#"<c r="A2"><v>7</v></c>"#))
        #expect(sheet.contains("Peña &amp; Hijos &lt;S.A.&gt;; &quot;el mejor&quot;"))
        #expect(sheet.contains(#"<c r="C2" s="2"><v>45244.92592592593</v></c>"#))
        #expect(sheet.contains(#"<c r="D2" t="b"><v>1</v></c>"#))
        #expect(try part("xl/workbook.xml").contains(#"<sheet name="Clientes""#))
        #expect(try part("xl/styles.xml").contains("<b/>"))
    }

    @Test("a long sheet keeps its rows in order, widths from the first rows and outer spaces; the zip's CRCs hold")
    func longSheet() throws {
        var writer = try XLSXSheetWriter(columns: [SheetColumn("N"), SheetColumn("Nombre")], sheetName: "Clientes", timeZone: .gmt)
        for number in 1...3_000 {
            try writer.write([.integer(Int64(number)), .text(number == 2_999 ? "  sangría " : "Cliente \(number)")])
        }
        try writer.write([nil, .text(String(repeating: "x", count: 200))]) // after the sample: no wider column
        let url = try writer.finish()
        defer { try? FileManager.default.removeItem(at: url) }
        let archive = try Archive(url: url, accessMode: .read)
        var data = Data()
        _ = try archive.extract(archive["xl/worksheets/sheet1.xml"]!, skipCRC32: false) { data.append($0) }
        let sheet = String(decoding: data, as: UTF8.self)
        #expect(sheet.contains(#"<col min="2" max="2" width="13" customWidth="1"/>"#))
        #expect(sheet.contains(#"<row r="3000"><c r="A3000"><v>2999</v></c><c r="B3000" t="inlineStr"><is><t xml:space="preserve">  sangría </t></is></c></row>"#))
        #expect(sheet.contains(#"<row r="3002"><c r="B3002" t="inlineStr"><is><t>xxxx"#))
        #expect(sheet.hasSuffix("</row></sheetData></worksheet>"))
        var source = try XLSXRowSource(url)
        var count = 0
        var last: [String] = []
        while let row = try source.next() { count += 1; last = row }
        #expect(count == 3_002)
        #expect(last == ["", String(repeating: "x", count: 200)])
    }

    @Test("more rows than Excel opens are refused, and the file is gone")
    func tooManyRows() throws {
        var writer = try XLSXSheetWriter(columns: columns, sheetName: "Clientes", timeZone: .gmt)
        writer.maxRows = 3
        try writer.write(row)
        try writer.write(row)
        #expect(throws: SheetTooLarge.self) { try writer.write(row) }
        #expect(!FileManager.default.fileExists(atPath: writer.url.path))
    }

    @Test("zip entries written in pieces come back whole, deflated, each CRC checked")
    func zipEntries() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cartera-zip-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: url) }
        let zip = try ZipWriter(url: url)
        try zip.add("vacía.txt", [])
        var generator = SystemRandomNumberGenerator()
        // Random bytes do not compress: more output than zlib's buffer holds, in many writes.
        let noise = (0..<700_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try zip.begin("ruido.bin")
        for start in stride(from: 0, to: noise.count, by: 50_000) { try zip.write(Array(noise[start..<min(noise.count, start + 50_000)])) }
        try zip.end()
        try zip.add("texto.xml", Array(String(repeating: "<row>Peña</row>", count: 10_000).utf8))
        try zip.close()
        let archive = try Archive(url: url, accessMode: .read)
        func read(_ path: String) throws -> [UInt8] {
            var data = Data()
            _ = try archive.extract(archive[path]!, skipCRC32: false) { data.append($0) }
            return Array(data)
        }
        #expect(try read("vacía.txt").isEmpty)
        #expect(try read("ruido.bin") == noise)
        #expect(try String(decoding: read("texto.xml"), as: UTF8.self) == String(repeating: "<row>Peña</row>", count: 10_000))
        #expect(archive["texto.xml"]!.compressedSize < 2_000)
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
        // A byte BE or BF is a forbidden character only after EF BF ("¾" is C2 BE, "뾾" EB BE BE, U+FFFD EF BF BD).
        for text in ["¾", "¿", "ﾾ", "뾾", "\u{FFFD}"] { #expect(!XLSXSheetWriter.needsEscaping(text), "\(text)") }
        for text in ["A & B", "<b>", "say \"hi\"", "bell\u{7}", "x\u{FFFE}y", "x\u{FFFF}", "a>b"] {
            #expect(XLSXSheetWriter.needsEscaping(text), "\(text)")
        }
        #expect(XLSXSheetWriter.escape("x\u{FFFE}y\u{7} & <z>") == "xy &amp; &lt;z&gt;")
        #expect(XLSXSheetWriter.escape("\u{FFFD}\u{EFBF}") == "\u{FFFD}\u{EFBF}")
    }
}

@Suite("Temporary sheets swept")
struct TemporarySheetsTests {
    @Test("day-old exports go; fresh ones and other files stay")
    func sweep() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let old = Date().addingTimeInterval(-2 * 86_400)
        func file(_ name: String, changed: Date) throws {
            let path = directory.appendingPathComponent(name).path
            #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
            try FileManager.default.setAttributes([.modificationDate: changed], ofItemAtPath: path)
        }
        let ours = [".xlsx", ".csv"].map { TemporarySheets.url(suffix: $0).lastPathComponent }
        for name in ours { try file(name, changed: old) }
        let fresh = TemporarySheets.url(suffix: ".xlsx").lastPathComponent
        try file(fresh, changed: Date())
        let others = ["cartera-test-\(UUID().uuidString).xlsx", "cartera-\(UUID().uuidString).txt", "cartera-report.xlsx", "notes.csv"]
        for name in others { try file(name, changed: old) }
        #expect(TemporarySheets.sweep(before: Date().addingTimeInterval(-86_400), in: directory) == 2)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)) == Set(others + [fresh]))
    }
}
