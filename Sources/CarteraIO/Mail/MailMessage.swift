import Foundation

/// An e-mail address with an optional display name.
public struct MailAddress: Sendable, Hashable, Codable {
    public let name: String?
    public let address: String

    public init(_ address: String, name: String? = nil) {
        // Line breaks would let a value write headers of its own.
        self.address = MailMessage.singleLine(address)
        self.name = name.map(MailMessage.singleLine).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `local@domain` with one `@`, no spaces or angle brackets: what SMTP's `MAIL FROM`/`RCPT TO` accept.
    public var isValid: Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasSuffix(".")
            && !address.contains(where: { $0.isWhitespace || "<>(),;:\"[]\\".contains($0) }) && address.allSatisfy(\.isASCII)
    }

    /// The header's pieces: `=?UTF-8?B?…?=` words and `<a@b>` when the name is not plain ASCII.
    var headerTokens: [String] {
        guard let name else { return [address] }
        if name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "." || $0 == "-") }) {
            return name.split(separator: " ").map(String.init) + ["<\(address)>"]
        }
        return MailMessage.encodedWords(name) + ["<\(address)>"]
    }
}

/// A message as MIME text (RFC 5322 / 2045–2047): UTF-8 subject and names as
/// encoded words, a text part and an optional HTML part (multipart/alternative),
/// both base64 so no line is too long and none starts with a dot.
public struct MailMessage: Sendable, Hashable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var replyTo: MailAddress?
    public var subject: String
    public var text: String
    public var html: String?
    /// Kept across retries, so a receiver can tell a resent message from a new one.
    public var messageID: String
    public var date: Date

    public init(from: MailAddress, to: [MailAddress], replyTo: MailAddress? = nil, subject: String, text: String, html: String? = nil,
                messageID: String, date: Date) {
        self.from = from; self.to = to; self.replyTo = replyTo; self.subject = Self.singleLine(subject); self.text = text; self.html = html
        self.messageID = Self.singleLine(messageID); self.date = date
    }

    /// The whole message with CRLF line ends.
    public func rendered(boundary: String = "cartera-" + UUID().uuidString) -> String {
        var headers = [
            Self.folded("From:", from.headerTokens),
            Self.folded("To:", to.enumerated().flatMap { index, address in
                var tokens = address.headerTokens
                if index < to.count - 1 { tokens[tokens.count - 1] += "," }
                return tokens
            }),
        ]
        if let replyTo { headers.append(Self.folded("Reply-To:", replyTo.headerTokens)) }
        headers += [
            Self.folded("Subject:", subject.allSatisfy(\.isASCII) ? subject.split(separator: " ").map(String.init) : Self.encodedWords(subject)),
            "Date: " + Self.rfc5322(date),
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
        ]
        let textPart = ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", Self.base64Lines(text)]
        guard let html else { return (headers + textPart).joined(separator: "\r\n") + "\r\n" }
        let htmlPart = ["Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", "", Self.base64Lines(html)]
        let body = ["--" + boundary] + textPart + ["--" + boundary] + htmlPart + ["--" + boundary + "--"]
        return (headers + ["Content-Type: multipart/alternative; boundary=\"\(boundary)\"", ""] + body).joined(separator: "\r\n") + "\r\n"
    }

    /// `name:` and its tokens separated by spaces, a line break before a token that would pass 78 characters.
    static func folded(_ name: String, _ tokens: [String]) -> String {
        var lines = [name]
        for token in tokens {
            if lines[lines.count - 1].utf8.count + 1 + token.utf8.count > 78 && lines[lines.count - 1] != name {
                lines.append("")
            }
            lines[lines.count - 1] += " " + token
        }
        return lines.joined(separator: "\r\n")
    }

    /// RFC 2047 encoded words of at most 75 characters, split between characters (never inside one).
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk = ""
        for character in text {
            // 39 bytes of UTF-8 make 52 base64 characters: with "=?UTF-8?B?" and "?=" the word is 64 long,
            // so "Reply-To: " and the word stay within 78.
            if chunk.utf8.count + String(character).utf8.count > 39 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty || words.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0.utf8).base64EncodedString() + "?=" }
    }

    static func base64Lines(_ text: String) -> String {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return Data(normalised.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }

    static func singleLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
    }

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
