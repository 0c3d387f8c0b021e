import Foundation

/// An RFC 5545 recurrence rule (the subset recurring work orders use): FREQ
/// DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL, BYDAY (with ordinals such as 2FR or
/// -1MO in monthly and yearly rules), BYMONTHDAY (negative from the month's
/// end), BYMONTH, BYSETPOS, COUNT, UNTIL; weeks start on Monday. Occurrences
/// keep DTSTART's wall-clock time in its zone, across daylight-saving changes.
public struct RecurrenceRule: Hashable, Sendable {
    public enum Frequency: String, Sendable, CaseIterable { case daily = "DAILY", weekly = "WEEKLY", monthly = "MONTHLY", yearly = "YEARLY" }

    /// A weekday, optionally the nth of the month or year (negative from the end).
    public struct WeekdayNum: Hashable, Sendable {
        /// 1 = Monday … 7 = Sunday.
        public var weekday: Int
        public var ordinal: Int?
        public init(weekday: Int, ordinal: Int? = nil) { self.weekday = weekday; self.ordinal = ordinal }
    }

    public var frequency: Frequency
    public var interval = 1
    public var byDay: [WeekdayNum] = []
    public var byMonthDay: [Int] = []
    public var byMonth: [Int] = []
    public var bySetPos: [Int] = []
    public var count: Int?
    public var until: Date?

    public init(frequency: Frequency) { self.frequency = frequency }

    static let weekdayCodes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

    /// Parses `FREQ=WEEKLY;INTERVAL=2;BYDAY=FR` (with or without a leading `RRULE:`);
    /// nil when a part is unknown or out of range.
    public init?(_ text: String) {
        var rule: RecurrenceRule?
        let body = text.hasPrefix("RRULE:") ? String(text.dropFirst(6)) : text
        var parts: [String: String] = [:]
        for part in body.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, parts[pair[0].uppercased()] == nil else { return nil }
            parts[pair[0].uppercased()] = pair[1].uppercased()
        }
        guard let freq = parts["FREQ"].flatMap(Frequency.init) else { return nil }
        rule = RecurrenceRule(frequency: freq)
        func ints(_ key: String, _ range: ClosedRange<Int>) -> [Int]? {
            guard let raw = parts[key] else { return [] }
            let values = raw.split(separator: ",").map { Int($0) }
            guard values.allSatisfy({ $0 != nil && $0 != 0 && range.contains(abs($0!)) }) else { return nil }
            return values.map { $0! }
        }
        for key in parts.keys where !["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT", "UNTIL", "WKST"].contains(key) {
            return nil
        }
        if let wkst = parts["WKST"], wkst != "MO" { return nil }
        if let raw = parts["INTERVAL"] { guard let n = Int(raw), n >= 1, n <= 1000 else { return nil }; rule?.interval = n }
        if let raw = parts["COUNT"] { guard let n = Int(raw), n >= 1, n <= 100_000 else { return nil }; rule?.count = n }
        if let raw = parts["UNTIL"] {
            guard let date = Self.parseUntil(raw) else { return nil }
            rule?.until = date
        }
        guard let monthDays = ints("BYMONTHDAY", 1...31), let months = ints("BYMONTH", 1...12),
              let setPos = ints("BYSETPOS", 1...366), months.allSatisfy({ $0 > 0 }) else { return nil }
        rule?.byMonthDay = monthDays; rule?.byMonth = months; rule?.bySetPos = setPos
        if let raw = parts["BYDAY"] {
            var days: [WeekdayNum] = []
            for item in raw.split(separator: ",") {
                let code = String(item.suffix(2))
                guard let index = Self.weekdayCodes.firstIndex(of: code) else { return nil }
                let prefix = item.dropLast(2)
                var ordinal: Int?
                if !prefix.isEmpty {
                    guard let n = Int(prefix), n != 0, abs(n) <= 53, freq == .monthly || freq == .yearly else { return nil }
                    ordinal = n
                }
                days.append(WeekdayNum(weekday: index + 1, ordinal: ordinal))
            }
            rule?.byDay = days
        }
        if rule?.count != nil && rule?.until != nil { return nil }
        self = rule!
    }

    /// `UNTIL` as `20271231T235959Z` or a date `20271231` (its end, UTC).
    static func parseUntil(_ raw: String) -> Date? {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        let digits = raw.filter(\.isNumber)
        guard digits.count == 8 || (digits.count == 14 && raw.hasSuffix("Z")) else { return nil }
        func n(_ from: Int, _ length: Int) -> Int { Int(digits.dropFirst(from).prefix(length))! }
        if digits.count == 8 {
            return utc.date(from: DateComponents(year: n(0, 4), month: n(4, 2), day: n(6, 2), hour: 23, minute: 59, second: 59))
        }
        return utc.date(from: DateComponents(year: n(0, 4), month: n(4, 2), day: n(6, 2), hour: n(8, 2), minute: n(10, 2), second: n(12, 2)))
    }

    /// The rule as RFC 5545 text, parts in a fixed order.
    public var text: String {
        var parts = ["FREQ=\(frequency.rawValue)"]
        if interval != 1 { parts.append("INTERVAL=\(interval)") }
        if !byMonth.isEmpty { parts.append("BYMONTH=" + byMonth.map(String.init).joined(separator: ",")) }
        if !byMonthDay.isEmpty { parts.append("BYMONTHDAY=" + byMonthDay.map(String.init).joined(separator: ",")) }
        if !byDay.isEmpty {
            parts.append("BYDAY=" + byDay.map { ($0.ordinal.map(String.init) ?? "") + Self.weekdayCodes[$0.weekday - 1] }.joined(separator: ","))
        }
        if !bySetPos.isEmpty { parts.append("BYSETPOS=" + bySetPos.map(String.init).joined(separator: ",")) }
        if let count { parts.append("COUNT=\(count)") }
        if let until { parts.append("UNTIL=" + ICalendarInstant.utc(until)) }
        return parts.joined(separator: ";")
    }
}

/// UTC instants written as RFC 5545 text.
enum ICalendarInstant {
    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
