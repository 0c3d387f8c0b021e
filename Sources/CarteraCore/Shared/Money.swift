import Foundation

/// An amount in minor units of an ISO 4217 currency (DESIGN.md "Money"): never a Double.
public struct Money: Hashable, Sendable, Codable {
    public let minor: Int64
    public let currency: String

    public init(minor: Int64, currency: String) { self.minor = minor; self.currency = currency }

    /// Digits after the decimal mark: 0 for currencies without cents in use (CLP, PYG, JPY…), else 2.
    public static func decimals(_ currency: String) -> Int {
        ["CLP", "PYG", "JPY", "KRW", "VND", "ISK", "UYI"].contains(currency.uppercased()) ? 0 : 2
    }

    /// Reads what a person or a spreadsheet writes: "1234.5", "1.234,50", "1,234.50", "$ 1.234".
    /// With both marks, the last is the decimal one; a single mark followed by exactly three digits groups
    /// thousands ("1.234" is 1234), otherwise it is the decimal mark ("24,5"); a repeated mark groups thousands.
    public static func parse(_ text: String, currency: String) -> Money? {
        let places = decimals(currency)
        var s = text.filter { !$0.isWhitespace && $0 != "$" }
        var negative = false
        if s.hasPrefix("-") { negative = true; s.removeFirst() }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }) else { return nil }
        let marks = s.filter { $0 == "." || $0 == "," }
        var whole = s, fraction = ""
        if let last = s.lastIndex(where: { $0 == "." || $0 == "," }) {
            let after = String(s[s.index(after: last)...])
            let decimal = Set(marks).count == 2 || (marks.count == 1 && after.count != 3)
            if decimal { whole = String(s[..<last]); fraction = after }
        }
        let digits = whole.filter(\.isNumber)
        guard fraction.count <= places, !digits.isEmpty || !fraction.isEmpty, digits.count <= 15 else { return nil }
        guard let minor = Int64((digits.isEmpty ? "0" : digits) + fraction + String(repeating: "0", count: places - fraction.count)) else {
            return nil
        }
        return Money(minor: negative ? -minor : minor, currency: currency)
    }

    /// "1.234,50" (es) or "1,234.50" (en), without the currency symbol.
    public func formatted(_ language: Language) -> String {
        let places = Self.decimals(currency)
        let unit = Int64(pow(10, Double(places)))
        let whole = abs(minor) / unit, fraction = abs(minor) % unit
        var groups: [String] = []
        var rest = whole
        repeat { groups.insert(String(format: rest >= 1000 ? "%03lld" : "%lld", rest % 1000), at: 0); rest /= 1000 } while rest > 0
        let (group, mark) = language == .en ? (",", ".") : (".", ",")
        let text = groups.joined(separator: group) + (places > 0 ? mark + String(format: "%0\(places)lld", fraction) : "")
        return (minor < 0 ? "-" : "") + text
    }

    /// The amount as a plain decimal string ("1234.50") for machines.
    public var decimalText: String {
        let places = Self.decimals(currency)
        guard places > 0 else { return String(minor) }
        let unit = Int64(pow(10, Double(places)))
        return (minor < 0 ? "-" : "") + "\(abs(minor) / unit)." + String(format: "%0\(places)lld", abs(minor) % unit)
    }

    /// The amount as a number (1234.5), for spreadsheet cells.
    public var decimalValue: Double { Double(minor) / pow(10, Double(Self.decimals(currency))) }

    /// "1.234,50 ARS": the amount in the reader's language with its currency code (notices, receivables).
    public func labelled(_ language: Language) -> String { formatted(language) + " " + currency }

    /// `self` times a quantity in thousandths (3 decimals), rounded half away from zero.
    public func times(milli quantity: Int64) -> Money {
        let product = minor.multipliedReportingOverflow(by: quantity)
        let value = product.overflow ? Int64.max : (product.partialValue + (product.partialValue >= 0 ? 500 : -500)) / 1000
        return Money(minor: value, currency: currency)
    }
}
