@testable import CarteraIO
import Foundation
import Testing

/// Writes down what the scanner hands over: tags with the attributes a sheet reads, and text.
private struct Recorder: XMLScanner.Reader {
    var events: [String] = []
    var stopAt: String?
    /// Text so far, as bytes: a piece may end inside a character.
    var pending: [UInt8] = []

    mutating func start(_ tag: XMLScanner.Tag, empty: Bool) throws(SheetReadError) -> Bool {
        flush()
        let name = String(decoding: tag.name, as: UTF8.self)
        var attributes: [String] = []
        if let value = try tag.attribute("r") { attributes.append("r=\(value)") }
        if let value = try tag.attribute("t") { attributes.append("t=\(value)") }
        if let value = try tag.attribute("s") { attributes.append("s=\(value)") }
        events.append("<\(name)\(attributes.isEmpty ? "" : " " + attributes.joined(separator: " "))\(empty ? "/" : "")>")
        return name != stopAt
    }

    mutating func end(_ tag: XMLScanner.Tag) -> Bool {
        flush()
        events.append("</\(String(decoding: tag.name, as: UTF8.self))>")
        return true
    }

    mutating func text(_ bytes: ArraySlice<UInt8>, raw: Bool) throws(SheetReadError) {
        try XMLScanner.append(bytes, raw: raw, to: &pending)
    }

    mutating func flush() {
        if !pending.isEmpty { events.append("text:" + String(decoding: pending, as: UTF8.self)) }
        pending = []
    }
}

@Suite("Spreadsheet XML read without Foundation's parser")
struct XMLScannerTests {
    /// Scans `xml` handed over `chunk` bytes at a time (all at once when nil).
    private func scan(_ xml: String, chunk: Int? = nil, stopAt: String? = nil) throws -> [String] {
        let bytes = Data(xml.utf8)
        var scanner: XMLScanner
        if let chunk {
            var offset = 0
            scanner = XMLScanner {
                guard offset < bytes.count else { return nil }
                defer { offset += chunk }
                return bytes.subdata(in: offset..<min(bytes.count, offset + chunk))
            }
        } else {
            scanner = XMLScanner(bytes)
        }
        var recorder = Recorder(stopAt: stopAt)
        _ = try scanner.scan(&recorder)
        return recorder.events
    }

    static let sample = """
        \u{FEFF}<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <!-- made by hand -->
        <x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
        <x:row r="1"><x:c r="A1" t='inlineStr'><x:is><x:t xml:space="preserve"> Peña &amp; Cía. &lt;S.A.&gt; &quot;x&quot; &apos;y&apos; </x:t></x:is></x:c>\
        <x:c r="B1" s="3"><x:v>45351</x:v></x:c><x:c r="C1"/></x:row>
        <x:row r="2"><x:c r="A2" t="str"><x:v><![CDATA[a <b> & c]]></x:v></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>&#233;&#xF1;&#x1F600;&gt;</x:t></x:is></x:c></x:row>
        </x:sheetData></x:worksheet>
        """

    static let expected = [
        "<worksheet>", "<sheetData>",
        "<row r=1>", "<c r=A1 t=inlineStr>", "<is>", "<t>", "text: Peña & Cía. <S.A.> \"x\" 'y' ", "</t>", "</is>", "</c>",
        "<c r=B1 s=3>", "<v>", "text:45351", "</v>", "</c>", "<c r=C1/>", "</c>", "</row>",
        "<row r=2>", "<c r=A2 t=str>", "<v>", "text:a <b> & c", "</v>", "</c>",
        "<c r=B2 t=inlineStr>", "<is>", "<t>", "text:éñ😀>", "</t>", "</is>", "</c>", "</row>",
        "</sheetData>", "</worksheet>",
    ]

    /// Drops the whitespace-only text between elements, which a sheet's reader ignores.
    private func meaningful(_ events: [String]) -> [String] {
        events.filter { !($0.hasPrefix("text:") && $0.dropFirst(5).allSatisfy(\.isWhitespace)) }
    }

    @Test("prefixes, both quotes, entities, character references, CDATA, comments, declarations and a byte order mark")
    func whole() throws {
        #expect(meaningful(try scan(Self.sample)) == Self.expected)
    }

    @Test("the same events whatever size the chunks come in, down to a byte")
    func chunks() throws {
        for size in [1, 2, 3, 5, 7, 11, 64] {
            #expect(meaningful(try scan(Self.sample, chunk: size)) == Self.expected, "chunks of \(size)")
        }
    }

    @Test("a reader that has what it wants stops the scan")
    func stops() throws {
        #expect(try scan(Self.sample, stopAt: "row") == ["<worksheet>", "<sheetData>", "text:\n", "<row r=1>"])
    }

    @Test("badly formed documents are refused, whole or in chunks")
    func refused() throws {
        let bad = [
            "<a><b></a></b>",                           // crossed
            "<a><b>",                                   // unfinished
            "<a><b x=\"1\"",                            // cut inside a tag
            "<a>x &nbsp; y</a>",                        // an entity XML does not define
            "<a>x &amp y</a>",                          // an entity without its end
            "<a>&#xD800;</a>",                          // no character
            "<!DOCTYPE a [<!ENTITY e \"boom\">]><a>&e;</a>",
            "<a/><b/>",                                 // two roots
            "text <a/>",                                // text outside the root
            "<a x=1/>",                                 // an unquoted attribute
            "",                                         // nothing
            "<a><!-- never closed </a>",
            String(repeating: "<a>", count: XMLScanner.maxDepth + 1) + String(repeating: "</a>", count: XMLScanner.maxDepth + 1),
        ]
        for xml in bad {
            for chunk in [nil, 1, 4] as [Int?] {
                #expect(throws: SheetReadError.notASpreadsheet, "\(xml) in chunks of \(String(describing: chunk))") {
                    _ = try scan(xml, chunk: chunk)
                }
            }
        }
    }

    @Test("a sheet whose elements carry a namespace prefix gives its rows; phonetic hints stay out of cells")
    func prefixedSheet() throws {
        let url = try SheetReaderTests.handMade(sheet: """
            <x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>\
            <x:row r="1"><x:c r="B1" t="inlineStr"><x:is><x:t>東京</x:t><x:rPh sb="0" eb="2"><x:t>トウキョウ</x:t></x:rPh></x:is></x:c></x:row>\
            <x:row r="2"><x:c r="A2" t="s"><x:v>1</x:v></x:c><x:c r="B2" s="1"><x:v>45351.5</x:v></x:c><x:c r="C2" t="b"><x:v>1</x:v></x:c></x:row>\
            </x:sheetData></x:worksheet>
            """)
        var source = try SheetReader.open(url)
        var rows: [[String]] = []
        while let row = try source.next() { rows.append(row) }
        #expect(rows == [["", "東京"], ["Ciudad", "2024-02-29 12:00:00", "true"]])
    }

    @Test("a row numbered past Excel's last is refused instead of reached through empty rows")
    func rowPastExcel() throws {
        var source = try SheetReader.open(try SheetReaderTests.handMade(sheet: """
            <worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>uno</t></is></c></row>\
            <row r="\(XLSXSheetWriter.excelRows + 1)"><c t="inlineStr"><is><t>dos</t></is></c></row></sheetData></worksheet>
            """))
        #expect(try source.next() == ["uno"])
        #expect(throws: SheetReadError.notASpreadsheet) { try source.next() }
    }
}
