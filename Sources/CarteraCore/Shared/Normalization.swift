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
    /// A key in ASCII (nearly every name here) is read as bytes: by scalars, asking each
    /// one's numeric type and hashing each word against the ignored ones, this was an
    /// eighth of an import's read-ahead (docs/performance.md, twenty-fifth pass).
    public static func soundKey(ofSearchKey key: String) -> String {
        var contiguous = key  // `withUTF8` may have to copy a bridged string's bytes into one buffer first
        let ascii = contiguous.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } ? asciiSoundKey(bytes) : nil }
        return ascii ?? scalarSoundKey(ofSearchKey: key)
    }

    /// `soundKey(ofSearchKey:)` of a key all in ASCII, where a scalar is a byte and the
    /// only numbers are the digits.
    static func asciiSoundKey(_ key: UnsafeBufferPointer<UInt8>) -> String {
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        var letters: [UInt8] = []
        letters.reserveCapacity(key.count)
        for word in key.split(separator: 0x20) {
            guard word.count > 1 || isDigit(word.first!),
                  !soundIgnoredASCII.contains(where: { $0.count == word.count && $0.elementsEqual(word) }) else { continue }
            letters.append(contentsOf: word)
        }
        var out: [UInt8] = []
        out.reserveCapacity(letters.count)
        var index = 0
        func at(_ offset: Int) -> UInt8? { index + offset < letters.count ? letters[index + offset] : nil }
        while index < letters.count {
            let letter = letters[index]
            let next = at(1)
            let soft = next == UInt8(ascii: "e") || next == UInt8(ascii: "i")
            var sound: UInt8? = letter
            var step = 1
            switch letter {
            case UInt8(ascii: "v"), UInt8(ascii: "w"): sound = UInt8(ascii: "b")
            case UInt8(ascii: "z"): sound = UInt8(ascii: "s")
            case UInt8(ascii: "h"): sound = nil
            case UInt8(ascii: "c") where next == UInt8(ascii: "h"): sound = UInt8(ascii: "x"); step = 2
            case UInt8(ascii: "c"): sound = soft ? UInt8(ascii: "s") : UInt8(ascii: "k")
            case UInt8(ascii: "q") where next == UInt8(ascii: "u"): sound = UInt8(ascii: "k"); step = 2
            case UInt8(ascii: "q"): sound = UInt8(ascii: "k")
            case UInt8(ascii: "g") where next == UInt8(ascii: "u") && (at(2) == UInt8(ascii: "e") || at(2) == UInt8(ascii: "i")):
                sound = UInt8(ascii: "g"); step = 2
            case UInt8(ascii: "g"): sound = soft ? UInt8(ascii: "j") : UInt8(ascii: "g")
            case UInt8(ascii: "l") where next == UInt8(ascii: "l"): sound = UInt8(ascii: "y"); step = 2
            case UInt8(ascii: "y"): sound = next.map { "aeiou".utf8.contains($0) } == true ? UInt8(ascii: "y") : UInt8(ascii: "i")
            default: break
            }
            if let sound, out.last != sound || isDigit(sound) { out.append(sound) }
            index += step
        }
        return out.count < 4 ? "" : String(decoding: out, as: UTF8.self)
    }

    /// `soundKey(ofSearchKey:)` read by scalars, for a key with any outside ASCII.
    static func scalarSoundKey(ofSearchKey key: String) -> String {
        var letters: [Unicode.Scalar] = []
        for word in key.split(separator: " ") where !soundIgnored.contains(word) {
            let scalars = word.unicodeScalars
            guard scalars.count > 1 || scalars.first!.properties.numericType != nil else { continue }
            letters.append(contentsOf: scalars)
        }
        var out: [Unicode.Scalar] = []
        var index = 0
        func at(_ offset: Int) -> Unicode.Scalar? { index + offset < letters.count ? letters[index + offset] : nil }
        while index < letters.count {
            let letter = letters[index]
            let next = at(1)
            let soft = next == "e" || next == "i"
            var sound: Unicode.Scalar? = letter
            var step = 1
            switch letter {
            case "v", "w": sound = "b"
            case "z": sound = "s"
            case "h": sound = nil
            case "c" where next == "h": sound = "x"; step = 2
            case "c": sound = soft ? "s" : "k"
            case "q" where next == "u": sound = "k"; step = 2
            case "q": sound = "k"
            case "g" where next == "u" && (at(2) == "e" || at(2) == "i"): sound = "g"; step = 2
            case "g": sound = soft ? "j" : "g"
            case "l" where next == "l": sound = "y"; step = 2
            case "y": sound = next.map { "aeiou".unicodeScalars.contains($0) } == true ? "y" : "i"
            default: break
            }
            if let sound, out.last != sound || sound.properties.numericType != nil { out.append(sound) }
            index += step
        }
        return out.count < 4 ? "" : String(String.UnicodeScalarView(out))
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
