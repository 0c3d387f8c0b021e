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
        for text in ["Ñandú S.R.L.", "Straße ǅemal ĲSSEL", "Cafe\u{301} Bistro", "東京 Ｔｏｋｙｏ", "Œuvre\tÆther\r\n",
                     "Precio 10 € ñ", "Café 🇦🇷 Sur", "ŉ\u{7F}\u{80}\u{17F}\u{180}"] {
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
        // A client's row makes its sound key from its sort key (`ClientRowValues`).
        for (one, other) in same {
            for name in [one, other] {
                #expect(Normalization.soundKey(ofSearchKey: Normalization.sortKey(name)) == Normalization.soundKey(name), "\(name)")
            }
        }
    }

    @Test("the sound key read by scalars is the key the rules gave read by characters, for every Latin name")
    func soundKeyMatchesCharacterRules() {
        var names = ["Ferretería López S.A.", "Ñandú S.R.L.", "Straße Æther Œuvre", "Hotel Quilla", "Guerra y Guiso",
                     "Chacra 1 y 22", "Cía. Llanos del Sur", "Ĳssel ½ ³ Café", "h h hh", "Ğüç Øre Łódź ŉ"]
        var generator = SeededRandom(seed: 2026)
        let latin = (0x20..<0x180).compactMap(Unicode.Scalar.init).filter { $0.value < 0x7F || $0.value > 0x9F }
        for _ in 0..<300 {
            var name = ""
            for _ in 0..<Int.random(in: 1...24, using: &generator) {
                name.unicodeScalars.append(Bool.random(using: &generator) ? latin.randomElement(using: &generator)!
                                           : "aeiouchlgqvyz ".unicodeScalars.randomElement(using: &generator)!)
            }
            names.append(name)
        }
        // Names in ASCII, read as bytes: words the key leaves out, digits, single letters.
        let words = ["sa", "S.R.L.", "de", "y", "e", "1", "22", "b", "Guille", "quique", "Chávez", "llave", "gente", "hh", "yo", "cia"]
        for _ in 0..<300 {
            names.append((0..<Int.random(in: 1...6, using: &generator)).map { _ in words.randomElement(using: &generator)! }
                .joined(separator: " "))
        }
        for name in names { #expect(Normalization.soundKey(name) == Self.characterSoundKey(name), "\(name)") }
    }

    /// The sound key's rules as first written, on characters.
    static func characterSoundKey(_ text: String) -> String {
        let ignored: Set<Substring> = ["sa", "srl", "sas", "sl", "sau", "sac", "ltda", "cia", "de", "del", "la", "el",
                                       "los", "las", "y", "e"]
        let words = Normalization.searchKey(text).split(separator: " ")
            .filter { ($0.count > 1 || $0.first!.isNumber) && !ignored.contains($0) }
        let letters = Array(words.joined())
        var out: [Character] = []
        var index = 0
        func at(_ offset: Int) -> Character? { index + offset < letters.count ? letters[index + offset] : nil }
        while index < letters.count {
            let letter = letters[index]
            let next = at(1)
            let soft = next == "e" || next == "i"
            var sound: [Character] = [letter]
            var step = 1
            switch letter {
            case "v", "w": sound = ["b"]
            case "z": sound = ["s"]
            case "h": sound = []
            case "c" where next == "h": sound = ["x"]; step = 2
            case "c": sound = soft ? ["s"] : ["k"]
            case "q" where next == "u": sound = ["k"]; step = 2
            case "q": sound = ["k"]
            case "g" where next == "u" && (at(2) == "e" || at(2) == "i"): sound = ["g"]; step = 2
            case "g": sound = soft ? ["j"] : ["g"]
            case "l" where next == "l": sound = ["y"]; step = 2
            case "y": sound = next.map { "aeiou".contains($0) } == true ? ["y"] : ["i"]
            default: break
            }
            for character in sound where out.last != character || character.isNumber { out.append(character) }
            index += step
        }
        return out.count < 4 ? "" : String(out)
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
            for text in ["\(scalar)a \(scalar)b\(scalar)", "a\(scalar)", "\(scalar)a"] {
                #expect(text.trimmed == text.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(value, radix: 16))")
            }
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

    /// The e-mail rules as first written, on characters.
    static func isEmailByCharacters(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count >= 3, text.count <= 254,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return !text.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" })
    }

    /// The text check as first written: every value's scalars filtered, every length counted.
    static func textByScalars(_ value: String, maxLength: Int) -> (String?, tooLong: Bool) {
        let printable = String(String.UnicodeScalarView(value.unicodeScalars.filter {
            $0.value >= 0x20 && $0.value != 0x7F || $0 == "\n" || $0 == "\r" || $0 == "\t"
        }))
        let trimmed = printable.trimmed
        return trimmed.isEmpty ? (nil, false) : (trimmed, trimmed.count > maxLength)
    }

    @Test("e-mails, text fields and phone links worked out on bytes give what the rules on characters gave")
    func byteChecksAgree() {
        var seeded = SeededRandom(seed: 5)
        let pool = Array("ab.@@..-_+ ,;<>\t\r\n\u{0}\u{7F}\u{1F}ñé\u{301}\u{A0}\u{85}\u{200B}😀")
        var samples = ["ventas@pena.com.ar", "a@b.c", "a@bc", "@pena.com", "a@.b.c", "a@b.c.", "a@@b.c", "a@b.c\r\n",
                       String(repeating: "a", count: 250) + "@b.co", String(repeating: "ñ", count: 250) + "@b.co",
                       "a\r\n@b.c", "x@\r\nc", "peña@señor.ar", "a@b.c\u{301}"]
        for _ in 0..<3000 {
            samples.append(String((0..<Int(seeded.next() % 14)).map { _ in pool[Int(seeded.next() % UInt64(pool.count))] }))
        }
        for text in samples + samples.map({ "+" + $0 }) + samples.map({ " \t+" + $0 }) + ["\u{A0}+54 11", "\n+54", "\u{2003}+1"] {
            let telByCharacters = (text.first { !($0.isWhitespace && !$0.isNewline) } == "+" ? "tel:+" : "tel:") + Normalization.digits(text)
            #expect(Contactability.telURL(text) == telByCharacters, "\(text.debugDescription)")
        }
        for text in samples {
            #expect(Contactability.isEmail(text) == Self.isEmailByCharacters(text), "\(text.debugDescription)")
            for maxLength in [3, 8] {
                var v = Validator()
                let (expected, tooLong) = Self.textByScalars(text, maxLength: maxLength)
                #expect(v.text("f", text, maxLength: maxLength) == expected, "\(text.debugDescription)")
                #expect(v.errors.isEmpty == !tooLong, "\(text.debugDescription)")
            }
        }
    }
}
