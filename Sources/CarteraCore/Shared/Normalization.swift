import Foundation

/// Text normalisation shared by sorting and search, so that SQLite and
/// PostgreSQL see exactly the same keys (DESIGN.md "Sorting" and "Search").
public enum Normalization {
    /// Lower case, accents folded, punctuation turned into single spaces:
    /// "José Peña e Hijos S.A." → "jose pena e hijos s a".
    /// Text in Latin script (below U+0180, nearly every name here) folds through
    /// a table made once from Foundation's own folding, read off the UTF-8 bytes;
    /// anything else (combining marks, other scripts) goes through Foundation
    /// whole. Both give the same key; the table is what keeps writing a million
    /// clients from spending a quarter of its time here.
    public static func searchKey(_ text: String) -> String {
        let (starts, units) = (LatinFolding.starts, LatinFolding.units)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            var value = UInt32(byte)
            // A String's UTF-8 is valid: a lead byte 110xxxxx has its one continuation byte.
            if byte >= 0x80 {
                guard byte & 0xE0 == 0xC0, let next = bytes.next() else { return foundationSearchKey(text) }
                value = UInt32(byte & 0x1F) << 6 | UInt32(next & 0x3F)
                guard value < LatinFolding.limit else { return foundationSearchKey(text) }
            }
            for unit in units[Int(starts[Int(value)])..<Int(starts[Int(value) + 1])] {
                guard unit.alphanumeric else { pendingSpace = true; continue }
                if pendingSpace && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                out.append(contentsOf: unit.scalar.utf8)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `searchKey` by Foundation alone: the definition the table reproduces.
    static func foundationSearchKey(_ text: String) -> String {
        let folded = text.folding(options: foldingOptions, locale: nil)
        var out = ""
        out.reserveCapacity(folded.utf8.count)
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return out
    }

    static let foldingOptions: String.CompareOptions = [.diacriticInsensitive, .caseInsensitive, .widthInsensitive]

    /// What each scalar below `limit` folds to, and whether each result is a letter or
    /// digit: scalar `v` folds to `units[starts[v]..<starts[v + 1]]` (one or two scalars).
    /// Flat arrays: an array per scalar cost a retain and a release per character.
    enum LatinFolding {
        static let limit: UInt32 = 0x180
        struct Unit { let scalar: Unicode.Scalar; let alphanumeric: Bool }
        static let folds: [[Unit]] = (0..<limit).map { value in
            guard let scalar = Unicode.Scalar(value) else { return [] }
            return String(Character(scalar)).folding(options: foldingOptions, locale: nil).unicodeScalars
                .map { Unit(scalar: $0, alphanumeric: CharacterSet.alphanumerics.contains($0)) }
        }
        static let units: [Unit] = folds.flatMap { $0 }
        static let starts: [UInt16] = folds.reduce(into: [0]) { $0.append($0.last! + UInt16($1.count)) }
    }

    /// The key names sort by: the search key, so "Álvarez" sorts with "alvarez".
    public static func sortKey(_ text: String) -> String { searchKey(text) }

    /// How a company name sounds in Spanish, for "near-identical name" hints:
    /// accents, case, punctuation, legal forms (S.A., S.R.L., Ltda.) and
    /// articles dropped; letters that sound alike merged (v/b, z/s/ce/ci,
    /// qu/k/ca, ge/gi/j, ll/y, silent h, doubled letters; digits kept as they
    /// are). "Ferretería López S.A." and "Ferreteria Lopes" share a key. Empty
    /// when too short to compare. Read scalar by scalar: the same as character by
    /// character for every key the Latin table makes (one scalar a character),
    /// without the cost of breaking text into graphemes.
    public static func soundKey(_ text: String) -> String {
        soundKey(ofSearchKey: searchKey(text))
    }

    /// `soundKey` of a text whose `searchKey` is `key`, for a caller that has it already.
    /// A key in ASCII (nearly every name here) is read as bytes, where the only numbers are
    /// the digits: by scalars, asking each one's numeric type and hashing each word against
    /// the ignored ones, this was an eighth of an import's read-ahead (docs/performance.md,
    /// twenty-fifth pass). Both go through the same rules (`sounds`).
    public static func soundKey(ofSearchKey key: String) -> String {
        var contiguous = key  // `withUTF8` may have to copy a bridged string's bytes into one buffer first
        let ascii = contiguous.withUTF8 { bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
            var letters: [UInt8] = []
            letters.reserveCapacity(bytes.count)
            for word in bytes.split(separator: 0x20) {
                guard word.count > 1 || isDigit(word.first!),
                      !soundIgnoredASCII.contains(where: { $0.count == word.count && $0.elementsEqual(word) }) else { continue }
                letters.append(contentsOf: word)
            }
            let out = sounds(letters, isNumber: isDigit)
            return out.count < 4 ? "" : String(decoding: out, as: UTF8.self)
        }
        if let ascii { return ascii }
        var letters: [UInt32] = []
        for word in key.split(separator: " ") where !soundIgnored.contains(word) {
            let scalars = word.unicodeScalars
            guard scalars.count > 1 || scalars.first!.properties.numericType != nil else { continue }
            letters.append(contentsOf: scalars.map(\.value))
        }
        let out = sounds(letters, isNumber: { Unicode.Scalar($0)!.properties.numericType != nil }).map { Unicode.Scalar($0)! }
        return out.count < 4 ? "" : String(String.UnicodeScalarView(out))
    }

    /// The sound key's rules over its letters, each an ASCII byte or a scalar's value: letters
    /// that sound alike become one, silent ones go, a sound repeated is kept once (a number
    /// every time).
    static func sounds<Letter: FixedWidthInteger>(_ letters: [Letter], isNumber: (Letter) -> Bool) -> [Letter] {
        func c(_ ascii: Unicode.Scalar) -> Letter { Letter(ascii.value) }
        var out: [Letter] = []
        out.reserveCapacity(letters.count)
        var index = 0
        func at(_ offset: Int) -> Letter? { index + offset < letters.count ? letters[index + offset] : nil }
        while index < letters.count {
            let letter = letters[index]
            let next = at(1)
            let soft = next == c("e") || next == c("i")
            var sound: Letter? = letter
            var step = 1
            switch letter {
            case c("v"), c("w"): sound = c("b")
            case c("z"): sound = c("s")
            case c("h"): sound = nil
            case c("c") where next == c("h"): sound = c("x"); step = 2
            case c("c"): sound = soft ? c("s") : c("k")
            case c("q") where next == c("u"): sound = c("k"); step = 2
            case c("q"): sound = c("k")
            case c("g") where next == c("u") && (at(2) == c("e") || at(2) == c("i")): sound = c("g"); step = 2
            case c("g"): sound = soft ? c("j") : c("g")
            case c("l") where next == c("l"): sound = c("y"); step = 2
            case c("y"): sound = next.map { "aeiou".unicodeScalars.map(c).contains($0) } == true ? c("y") : c("i")
            default: break
            }
            if let sound, out.last != sound || isNumber(sound) { out.append(sound) }
            index += step
        }
        return out
    }

    /// Legal forms and articles a sound key leaves out.
    private static let soundIgnored: Set<Substring> = ["sa", "srl", "sas", "sl", "sau", "sac", "ltda", "cia", "de", "del",
                                                        "la", "el", "los", "las", "y", "e"]
    /// The same, as bytes.
    private static let soundIgnoredASCII: [[UInt8]] = soundIgnored.map { Array($0.utf8) }

    /// Only the ASCII digits of the text: "+54 9 11 5555-1234" → "5491155551234".
    public static func digits(_ text: String) -> String {
        // ASCII digits are single UTF-8 bytes that no other character's bytes can be.
        String(decoding: text.utf8.filter { $0 >= 48 && $0 <= 57 }, as: UTF8.self)
    }

    /// The last eight digits of a phone, the part that survives with or without
    /// country and area codes ("+54 9 11 5555-1234" and "11 5555 1234" share
    /// "55551234"): the key of "same phone" duplicate hints. Nil under six digits.
    public static func phoneTail(_ phone: String) -> String? {
        let digits = digits(phone)
        return digits.count >= 6 ? String(digits.suffix(8)) : nil
    }

    /// The search key without spaces ("20-12.345.678/9" → "20123456789", "A-0001 77" → "a000177"):
    /// the key tax ids, item codes and invoice numbers are compared by.
    public static func compactKey(_ text: String) -> String {
        // Spaces are single ASCII bytes; Foundation's replacing was a twentieth of writing a client.
        String(decoding: searchKey(text).utf8.filter { $0 != UInt8(ascii: " ") }, as: UTF8.self)
    }

    /// An e-mail as a lookup key: trimmed and lower-cased; nil when it has no "@".
    public static func emailKey(_ email: String) -> String? {
        let key = email.trimmed.lowercased()
        return key.contains("@") && key.count <= 254 ? key : nil
    }

    /// Words of a quick-search query, normalised, at most `limit` of them.
    public static func queryWords(_ query: String, limit: Int = 8) -> [String] {
        Array(searchKey(query).split(separator: " ").prefix(limit).map(String.init))
    }
}

/// How a quick-search query is matched (DESIGN.md "Search").
public enum SearchQuery: Equatable, Sendable {
    /// Every word must be a prefix of some word of the record.
    case words([String])
    /// A run of at least four digits, found inside phones and tax ids whatever
    /// their formatting, or as the prefix of a word (the client number).
    case digits(String)

    /// `nil` for an empty query.
    public init?(_ raw: String) {
        let trimmed = raw.trimmed
        guard !trimmed.isEmpty else { return nil }
        let digitsOnly = Normalization.digits(trimmed)
        let isNumeric = trimmed.unicodeScalars.allSatisfy {
            CharacterSet.decimalDigits.contains($0) || " +-./()".unicodeScalars.contains($0)
        }
        if isNumeric && digitsOnly.count >= 4 {
            self = .digits(digitsOnly)
            return
        }
        let words = Normalization.queryWords(trimmed)
        guard !words.isEmpty else { return nil }
        self = .words(words)
    }
}
