import Foundation

/// Checks for the ways of reaching a client: e-mail, phone, web address.
public enum Contactability {
    public static func isEmail(_ text: String) -> Bool {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return isASCIIEmail(text.utf8) }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count >= 3, text.count <= 254,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return !text.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" })
    }

    /// The same rules on bytes, for the usual all-ASCII address (an import checks
    /// every one): there a character is a byte, but for `\r\n`, whose whitespace
    /// fails the address either way.
    static func isASCIIEmail(_ bytes: String.UTF8View) -> Bool {
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")), at != bytes.startIndex else { return false }
        let domain = bytes[bytes.index(after: at)...]
        guard domain.count >= 3, !domain.contains(UInt8(ascii: "@")), domain.contains(UInt8(ascii: ".")),
              domain.first != UInt8(ascii: "."), domain.last != UInt8(ascii: ".") else { return false }
        return !bytes.contains {
            $0 == 0x20 || (0x09...0x0D).contains($0) || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";")
                || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
        }
    }

    /// A phone has 6 to 15 digits and only the usual punctuation.
    public static func isPhone(_ text: String) -> Bool {
        let allowed = CharacterSet(charactersIn: "0123456789 +-.()/")
        guard text.unicodeScalars.allSatisfy(allowed.contains) else { return false }
        return (6...15).contains(Normalization.digits(text).count)
    }

    public static func isWebURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else { return false }
        return true
    }

    /// The `https://wa.me/` link for a phone: digits only.
    public static func whatsAppURL(_ phone: String) -> String { "https://wa.me/" + Normalization.digits(phone) }

    /// A `tel:` link keeping the leading plus.
    public static func telURL(_ phone: String) -> String {
        // Spaces and tabs are the only ASCII the rule skips; past them an ASCII byte is the
        // character itself, so only a phone led by other spaces needs its characters read
        // (every phone on the client list goes through here).
        let lead = phone.utf8.first { $0 != 0x20 && $0 != 0x09 }
        let plus = lead.map { $0 < 0x80 ? $0 == UInt8(ascii: "+") : phone.first { !($0.isWhitespace && !$0.isNewline) } == "+" } ?? false
        return (plus ? "tel:+" : "tel:") + Normalization.digits(phone)
    }
}

/// The kind of a tax or national id.
public enum TaxIDKind: String, Sendable, Codable, CaseIterable {
    case dni = "DNI", ce = "CE", ruc = "RUC", cuit = "CUIT", cuil = "CUIL", rfc = "RFC", curp = "CURP"
    case passport = "PASSPORT", other = "OTHER"

    /// Light checks that catch typing mistakes without rejecting real ids.
    public func isPlausible(_ value: String) -> Bool {
        let digits = Normalization.digits(value)
        let alnum = Normalization.compactKey(value)
        switch self {
        case .dni: return (7...8).contains(digits.count) && digits.count == alnum.count
        case .ruc: return digits.count == 11 && digits.count == alnum.count
        case .cuit, .cuil: return digits.count == 11 && digits.count == alnum.count
        case .ce: return (8...12).contains(alnum.count)
        case .rfc: return (12...13).contains(alnum.count)
        case .curp: return alnum.count == 18
        case .passport, .other: return (3...20).contains(alnum.count)
        }
    }
}
