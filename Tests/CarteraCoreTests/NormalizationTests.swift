@testable import CarteraCore
import Foundation
import Testing

@Suite("Normalisation for search and sorting")
struct NormalizationTests {
    @Test("accents fold, case lowers, punctuation becomes one space")
    func searchKey() {
        #expect(Normalization.searchKey("José Peña e Hijos S.A.") == "jose pena e hijos s a")
        #expect(Normalization.searchKey("  ÁLVAREZ--Müller ") == "alvarez muller")
        #expect(Normalization.digits("+54 9 11 5555-1234") == "5491155551234")
        #expect(Normalization.digits("Nº ٣ 12½ – 0") == "120")
        #expect(Contactability.telURL("  +54 9 11 5555-1234") == "tel:+5491155551234")
        #expect(Contactability.telURL("011 5555 1234 (int. +2)") == "tel:011555512342")
        #expect(Normalization.phoneTail("+54 9 11 5555-1234") == Normalization.phoneTail("11 5555 1234"))
        #expect(Normalization.phoneTail("4-1234") == nil && Normalization.phoneTail("441234") == "441234")
    }

    @Test("the Latin table gives Foundation's key for every scalar it covers, alone and in words; the rest falls back")
    func latinTableMatchesFoundation() {
        var all = ""
        for value in 0..<Normalization.LatinFolding.limit {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "a" + String(Character(scalar)) + "B"
            #expect(Normalization.searchKey(text) == Normalization.foundationSearchKey(text), "U+\(String(value, radix: 16))")
            all.unicodeScalars.append(scalar)
        }
        #expect(Normalization.searchKey(all) == Normalization.foundationSearchKey(all))
        for text in ["Ñandú S.R.L.", "Straße ǅemal ĲSSEL", "Cafe\u{301} Bistro", "東京 Ｔｏｋｙｏ", "Œuvre\tÆther\r\n"] {
            #expect(Normalization.searchKey(text) == Normalization.foundationSearchKey(text), "\(text)")
        }
        #expect(Normalization.searchKey("Cafe\u{301}") == "cafe")
    }

    @Test("names that sound alike in Spanish share a sound key; different names do not")
    func soundKey() {
        let same = [("Ferretería López S.A.", "Ferreteria Lopes"), ("Distribuidora Vázquez", "Distribuidora Basques S.R.L."),
                    ("Hotel Quilla", "Otel Kiya"), ("Gerencia Cervantes", "Jerencia Serbantes"),
                    ("Panadería Guillermo", "Panaderia Guiyermo"), ("Los Hermanos Chávez", "Hermanos Chaves")]
        for (one, other) in same { #expect(Normalization.soundKey(one) == Normalization.soundKey(other), "\(one) / \(other)") }
        #expect(Normalization.soundKey("Ferretería López") != Normalization.soundKey("Ferretería Gómez"))
        #expect(Normalization.soundKey("Casa Rosa") != Normalization.soundKey("Gasa Rosa"))
        #expect(Normalization.soundKey("S.A.") == "")
        #expect(Normalization.soundKey("Empresa 10") != Normalization.soundKey("Empresa 100"))
        #expect(Normalization.soundKey("Empresa 1") != Normalization.soundKey("Empresa 2"))
    }

    @Test("numeric queries of four or more digits search digits; others search words")
    func queryKinds() {
        #expect(SearchQuery("11 5555-1234") == .digits("1155551234"))
        #expect(SearchQuery("123") == .words(["123"]))
        #expect(SearchQuery("Peña 12") == .words(["pena", "12"]))
        #expect(SearchQuery("  ") == nil)
    }

    @Test("calendar dates are strict YYYY-MM-DD")
    func dates() {
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(CalendarDate("2024-2-1") == nil)
        // Spreadsheets from Spanish-speaking countries write the day first.
        #expect(CalendarDate.spreadsheet("5/10/2026") == CalendarDate("2026-10-05") && CalendarDate.spreadsheet("05-10-2026") == CalendarDate("2026-10-05"))
        #expect(CalendarDate.spreadsheet(" 2026-10-05 ") == CalendarDate("2026-10-05") && CalendarDate.spreadsheet("31/02/2026") == nil)
        #expect(CalendarDate.spreadsheet("10/5/26") == nil && CalendarDate.spreadsheet("2026/10/05") == nil)
    }

    @Test("contact checks accept real formats")
    func contactability() {
        #expect(Contactability.isEmail("ventas@pena.com.ar"))
        #expect(!Contactability.isEmail("ventas@pena"))
        #expect(Contactability.isPhone("+54 9 11 5555-1234"))
        #expect(!Contactability.isPhone("12a"))
        #expect(Contactability.whatsAppURL("+54 9 11 5555-1234") == "https://wa.me/5491155551234")
        #expect(TaxIDKind.cuit.isPlausible("20-12345678-3"))
        #expect(!TaxIDKind.dni.isPlausible("12"))
    }

    @Test("trimming drops what Foundation's whitespacesAndNewlines drops, and nothing else")
    func trimming() {
        for value in 0...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "\(scalar)a \(scalar)b\(scalar)"
            #expect(text.trimmed == text.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(value, radix: 16))")
        }
        #expect(" \u{A0}\n".trimmed == "" && "".trimmed == "" && "Peña".trimmed == "Peña")
    }

    @Test("text fields drop control characters that no spreadsheet can carry")
    func controlCharacters() {
        var v = Validator()
        #expect(v.text("legalName", " Pe\u{13}ña\u{0F} SA\n") == "Peña SA")
        #expect(v.text("description", "una\nlínea\tmás", maxLength: 100) == "una\nlínea\tmás")
        #expect(v.errors.isEmpty)
    }
}
