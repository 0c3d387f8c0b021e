@testable import CarteraIO
import Foundation
import Testing
import ZIPFoundation

@Suite("Reading the spreadsheets people upload")
struct SheetReaderTests {
    func file(_ bytes: [UInt8], _ suffix: String = ".csv") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cartera-test-\(UUID().uuidString)\(suffix)")
        try Data(bytes).write(to: url)
        return url
    }

    func rows(_ url: URL) throws -> [[String]] {
        var source = try SheetReader.open(url)
        var out: [[String]] = []
        while let row = try source.next() { out.append(row) }
        return out
    }

    @Test("UTF-8 CSV with BOM, semicolons, quotes, embedded separators and line breaks")
    func csvUTF8() throws {
        let text = "\u{FEFF}Razón social;Teléfonos;Descripción\r\n\"Peña; Hijos\";\"+54 11 5555-1234\";\"dice \"\"hola\"\"\nen dos líneas\"\r\nÑandú;;\n"
        let url = try file(Array(text.utf8))
        #expect(try rows(url) == [["Razón social", "Teléfonos", "Descripción"],
                                  ["Peña; Hijos", "+54 11 5555-1234", "dice \"hola\"\nen dos líneas"], ["Ñandú", "", ""]])
    }

    @Test("progress climbs with the rows read and reaches the end, for CSV and .xlsx")
    func progress() throws {
        var writer = try XLSXSheetWriter(columns: [SheetColumn("Nombre")], sheetName: "Hoja", timeZone: .gmt)
        var csv = "Nombre\n"
        for index in 0..<20_000 {
            try writer.write([.text("Cliente número \(index)")])
            csv += "Cliente número \(index)\n"
        }
        for url in [try writer.finish(), try file(Array(csv.utf8))] {
            var source = try SheetReader.open(url)
            var seen: [Double] = []
            while try source.next() != nil { seen.append(source.progress) }
            #expect(seen.count == 20_001)
            #expect(seen[10] < 0.5 && seen == seen.sorted() && seen.last == 1)
        }
    }

    @Test("Windows-1252 CSV with commas keeps accents and the euro sign")
    func csvWindows1252() throws {
        // "Peña,€ 10" and "Muñoz,5" in Windows-1252.
        let bytes: [UInt8] = [0x50, 0x65, 0xF1, 0x61, 0x2C, 0x80, 0x20, 0x31, 0x30, 0x0D, 0x0A, 0x4D, 0x75, 0xF1, 0x6F, 0x7A, 0x2C, 0x35]
        #expect(try rows(try file(bytes)) == [["Peña", "€ 10"], ["Muñoz", "5"]])
    }

    @Test("a UTF-8 sequence split across read chunks stays whole")
    func chunkBoundary() throws {
        // "ñ" takes bytes 65535 and 65536: the first read ends between them.
        let text = "h1,h2\n" + String(repeating: "a", count: (1 << 16) - 7) + "ñ,b\n"
        let read = try rows(try file(Array(text.utf8)))
        #expect(read.count == 2 && read[1][0].hasSuffix("añ") && read[1][1] == "b")
    }

    @Test("empty files and binary files are refused with a reason")
    func badFiles() throws {
        #expect(throws: SheetReadError.empty) { try SheetReader.open(try file([])) }
        #expect(throws: SheetReadError.notASpreadsheet) { try SheetReader.open(try file([0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0, 0])) }
        #expect(throws: SheetReadError.notASpreadsheet) { try SheetReader.open(try file([0x50, 0x4B, 0x03, 0x04, 1, 2, 3], ".xlsx")) }
    }

    @Test("an .xlsx written by Cartera reads back with the same values")
    func roundTrip() throws {
        var writer = try XLSXSheetWriter(columns: [SheetColumn("N.º"), SheetColumn("Razón social"), SheetColumn("VIP")],
                                         sheetName: "Clientes", timeZone: .gmt)
        try writer.write([.integer(12), .text("Peña & Hijos"), .bool(true)])
        try writer.write([.decimal(1.5), nil, .date(year: 2024, month: 2, day: 29)])
        let url = try writer.finish()
        #expect(try rows(url) == [["N.º", "Razón social", "VIP"], ["12", "Peña & Hijos", "true"], ["1.5", "", "2024-02-29"]])
    }

    @Test("shared strings, formulas' cached values, inline strings and skipped rows")
    func excelFeatures() throws {
        let url = try Self.handMade(sheet: """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>\
            <row r="3"><c r="A3" t="inlineStr"><is><t>José</t></is></c><c r="B3"><f>1+1</f><v>2</v></c>\
            <c r="C3" t="str"><f>A3&amp;"!"</f><v>José!</v></c><c r="D3" s="1"><v>45351</v></c></row>\
            </sheetData></worksheet>
            """)
        #expect(try rows(url) == [["Razón social", "", "Ciudad"], [], ["José", "2", "José!", "2024-02-29"]])
    }

    @Test("a zip bomb stops at the inflation budget")
    func zipBomb() throws {
        let url = try Self.handMade(sheet: "<worksheet><sheetData>" + String(repeating: " ", count: 3 << 20) + "</sheetData></worksheet>")
        var source = try XLSXRowSource(url, maxUncompressed: 1 << 20)
        #expect(throws: SheetReadError.tooLarge) { while try source.next() != nil {} }
    }

    @Test("a sheet that breaks off gives its rows up to the break, then the reason; an oversized cell is refused")
    func brokenSheets() throws {
        let broken = try Self.handMade(sheet: """
            <worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>uno</t></is></c></row><row r="2"><c r="A2"
            """)
        var source = try SheetReader.open(broken)
        #expect(try source.next() == ["uno"])
        #expect(throws: SheetReadError.notASpreadsheet) { try source.next() }
        let cell = String(repeating: "x", count: SheetReader.maxCellLength + 1)
        var huge = try SheetReader.open(try Self.handMade(sheet: """
            <worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>\(cell)</t></is></c></row></sheetData></worksheet>
            """))
        #expect(throws: SheetReadError.cellTooLarge) { try huge.next() }
    }

    @Test("a reader that stops early lets the parsing and inflating threads end")
    func stopsEarly() async throws {
        var writer = try XLSXSheetWriter(columns: [SheetColumn("Nombre")], sheetName: "Hoja", timeZone: .gmt)
        // Far more than the chunks that may wait: the inflating thread is held back, not done.
        for index in 0..<200_000 { try writer.write([.text("Cliente \(index)")]) }
        let file = try writer.finish()
        defer { try? FileManager.default.removeItem(at: file) }
        let archive = try Archive(url: file, accessMode: .read)
        var sheet: InflatedEntry? = InflatedEntry(archive, archive["xl/worksheets/sheet1.xml"]!, budget: XLSXRowSource.maxUncompressed)
        weak let inflating = sheet
        var rows: SheetRowQueue? = SheetParser.start(sheet!, shared: [], dateStyles: [])
        sheet = nil
        #expect(try rows!.take() == ["Nombre"])
        #expect(inflating != nil && inflating!.offset < inflating!.size)
        rows!.close()
        rows = nil
        // Each thread holds the entry until it ends.
        for _ in 0..<100 where inflating != nil { try await Task.sleep(for: .milliseconds(50)) }
        #expect(inflating == nil)
    }

    /// A minimal workbook as Excel writes it: shared strings and a date style.
    static func handMade(sheet: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cartera-test-\(UUID().uuidString).xlsx")
        let archive = try Archive(url: url, accessMode: .create)
        let parts: [(String, String)] = [
            ("xl/workbook.xml", #"<workbook xmlns:r="r"><sheets><sheet name="Hoja1" sheetId="1" r:id="rId7"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", #"<Relationships><Relationship Id="rId7" Type="worksheet" Target="worksheets/hoja.xml"/></Relationships>"#),
            ("xl/sharedStrings.xml", #"<sst><si><r><t>Razón </t></r><r><t>social</t></r></si><si><t>Ciudad</t><rPh><t>X</t></rPh></si></sst>"#),
            ("xl/styles.xml", #"<styleSheet><numFmts><numFmt numFmtId="170" formatCode="dd/mm/yyyy"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="170"/></cellXfs></styleSheet>"#),
            ("xl/worksheets/hoja.xml", sheet),
        ]
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) {
                position, size in data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return url
    }
}

@Suite("Large sheets")
struct LargeSheetTests {
    @Test("accented text survives the 64 KB copies inside the writer, row after row")
    func accentsAcrossChunks() throws {
        var writer = try XLSXSheetWriter(columns: [SheetColumn("Nombre")], sheetName: "Hoja", timeZone: .gmt)
        for index in 0..<5000 { try writer.write([.text("Sofía Ibáñez \(index)")]) }
        let url = try writer.finish()
        var source = try SheetReader.open(url)
        _ = try source.next()
        var index = 0
        while let row = try source.next() {
            #expect(row == ["Sofía Ibáñez \(index)"])
            index += 1
        }
        #expect(index == 5000)
    }
}
