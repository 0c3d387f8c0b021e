import CarteraCore
import Testing

@Suite("Money")
struct MoneyTests {
    @Test("reads amounts as people in Spanish- and English-speaking offices write them, in minor units")
    func parses() {
        let cases: [(String, String, Int64?)] = [
            ("1234.5", "ARS", 123_450), ("1.234,50", "ARS", 123_450), ("1,234.50", "USD", 123_450), ("$ 1.234", "ARS", 123_400),
            ("24,5", "PEN", 2450), ("0,99", "MXN", 99), ("-3,10", "ARS", -310), ("1.234.567", "ARS", 123_456_700),
            ("1.234", "CLP", 1234), ("12,5", "CLP", nil), ("1,2,3.4", "ARS", 12_340), ("abc", "ARS", nil), ("", "ARS", nil),
            ("1.2345", "ARS", nil), (",", "ARS", nil),
        ]
        for (text, currency, expected) in cases {
            #expect(Money.parse(text, currency: currency)?.minor == expected, "\(text) \(currency)")
        }
    }

    @Test("writes amounts with the language's marks and multiplies by quantities in thousandths")
    func formats() {
        let price = Money(minor: 123_456_789, currency: "ARS")
        #expect(price.formatted(.es) == "1.234.567,89" && price.formatted(.en) == "1,234,567.89")
        #expect(Money(minor: -5, currency: "ARS").formatted(.es) == "-0,05")
        #expect(Money(minor: 1500, currency: "CLP").formatted(.es) == "1.500")
        #expect(price.decimalText == "1234567.89")
        #expect(Money(minor: 1999, currency: "ARS").times(milli: 2500).minor == 4998)   // 19,99 × 2,5 = 49,975 → 49,98
    }
}
