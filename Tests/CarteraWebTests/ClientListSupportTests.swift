@testable import CarteraWeb
import CarteraCore
import Foundation
import Testing

@Suite("Query values percent-encoded as Foundation encodes them")
struct PercentEncodingTests {
    @Test("every ASCII character, accented and other-script letters, marks, symbols and emoji")
    func sameAsFoundation() {
        let ascii = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        var seeded = SeededRandom(seed: 7)
        let pool = Array("aZ09-._~ !\"#$%&'()*+,/:;<=>?@[\\]^`{|}ñÑáéíóúüÜçÇ€£¥°ºª¿¡—–·…’“”e\u{301}日本語Ωж😀👍🏽\u{0}\t\n")
        var samples = [ascii, "", "Peña & Cía. S.A.C.", "q=a&b", "100%", "ciudad: Bogotá D.C."]
        for _ in 0..<300 {
            samples.append(String((0..<Int(seeded.next() % 12)).map { _ in pool[Int(seeded.next() % UInt64(pool.count))] }))
        }
        let kept = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        for text in samples {
            #expect(PercentEncoding.query(text) == text.addingPercentEncoding(withAllowedCharacters: kept), "\(text)")
        }
    }
}

@Suite("Catalogue texts filled with their arguments")
struct TranslatorFillTests {
    @Test("each named placeholder once; unknown names, lone braces and values' own braces stay")
    func fill() {
        #expect(Translator.fill("{count} clientes de {total}", ["count": "3", "total": "10"]) == "3 clientes de 10")
        #expect(Translator.fill("{a}{a}", ["a": "x"]) == "xx")
        #expect(Translator.fill("{a} {b}", ["a": "{b}", "b": "2"]) == "{b} 2")
        #expect(Translator.fill("{unknown} y {a", ["a": "1"]) == "{unknown} y {a")
        #expect(Translator.fill("«{field}» es obligatorio.", ["field": "Razón social"]) == "«Razón social» es obligatorio.")
        #expect(Translator.fill("sin {nada}", [:]) == "sin {nada}")
        #expect(Translator.fill("}{", ["": "vacío"]) == "}{")
        #expect(Translator.fill("{}", ["": "vacío"]) == "vacío")
    }
}

@Suite("Which client list requests read on the request's thread")
struct ListReadsBoundedTests {
    @Test("a page with a capped count and searches of two letters or more; not the exact count, not a one-letter word")
    func bounded() {
        for query in ["", "type=2&sort=city&dir=desc", "q=pena", "q=pe%C3%B1a+sa", "q=20301234567", "page=3&q=ab"] {
            #expect(ClientsController.readsBounded(FormData(query)), "\(query)")
        }
        for query in ["count=all", "q=a", "q=pena+a", "q=%C3%B1", "count=all&q=pena"] {
            #expect(!ClientsController.readsBounded(FormData(query)), "\(query)")
        }
    }
}

@Suite("Counts grouped as Foundation groups them")
struct CountGroupingTests {
    @Test("powers of ten, their neighbours, negatives and seeded random numbers, in Spanish and English")
    func sameAsFoundation() {
        var values = [0, Int.max, Int.min + 1]
        var power = 1
        for _ in 0..<18 { values += [power - 1, power, power + 1, -power]; power *= 10 }
        var seeded = SeededRandom(seed: 11)
        for _ in 0..<300 { values.append(Int(truncatingIfNeeded: seeded.next()) >> Int(seeded.next() % 60)) }
        for value in values {
            #expect(WebEnvironment.grouped(value, .es) == value.formatted(.number.locale(Locale(identifier: "es_AR"))), "\(value)")
            #expect(WebEnvironment.grouped(value, .en) == value.formatted(.number.locale(Locale(identifier: "en_US"))), "\(value)")
        }
    }
}
