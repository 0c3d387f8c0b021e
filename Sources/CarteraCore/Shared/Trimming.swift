extension String {
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` without Foundation's
    /// bridging, which was a noticeable share of an import's time: Unicode's
    /// White_Space property and the zero-width space are the same set (tested).
    public var trimmed: String {
        let scalars = unicodeScalars
        guard let head = scalars.first, let end = scalars.last, Self.isSpace(head) || Self.isSpace(end) else { return self }
        guard let first = scalars.firstIndex(where: { !Self.isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !Self.isSpace($0) })!
        return String(Substring(scalars[first...last]))
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace || scalar == "\u{200B}"
    }
}
