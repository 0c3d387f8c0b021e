import Foundation

/// Text normalisation shared by sorting and search, so that SQLite and
/// PostgreSQL see exactly the same keys (DESIGN.md "Sorting" and "Search").
public enum Normalization {
    /// Lower case, accents folded, punctuation turned into single spaces:
    /// "José Peña e Hijos S.A." → "jose pena e hijos s a".
    public static func searchKey(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
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

    /// The key names sort by: the search key, so "Álvarez" sorts with "alvarez".
    public static func sortKey(_ text: String) -> String { searchKey(text) }

    /// Only the ASCII digits of the text: "+54 9 11 5555-1234" → "5491155551234".
    public static func digits(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 48 && $0.value <= 57 }.map(Character.init))
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
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
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
