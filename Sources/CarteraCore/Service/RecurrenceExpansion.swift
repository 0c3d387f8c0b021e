import Foundation

/// A rule anchored at DTSTART in a zone, with its exception dates: the
/// occurrences, in order. Follows python-dateutil's reading of RFC 5545 (a
/// DTSTART that does not match the rule is not an occurrence; COUNT counts
/// before EXDATE removes), which the tests check it against.
public struct Recurrence: Sendable {
    public let rule: RecurrenceRule
    public let start: Date
    public let timeZone: TimeZone
    public var exceptions: Set<Date>

    public init(rule: RecurrenceRule, start: Date, timeZone: TimeZone, exceptions: Set<Date> = []) {
        self.rule = rule; self.start = start; self.timeZone = timeZone; self.exceptions = exceptions
    }

    /// Occurrences from DTSTART on, up to `limit` of them and (if given) through `end`.
    public func occurrences(through end: Date? = nil, limit: Int = 1000) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let local = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: start)
        let first = Civil(year: local.year!, month: local.month!, day: local.day!)
        let startDay = first.dayNumber
        var out: [Date] = []
        var counted = 0
        var emptyPeriods = 0
        var period = 0
        while out.count < limit, emptyPeriods < 2_000 {
            let days = candidates(period: period, first: first, startDay: startDay)
            period += 1
            emptyPeriods = days.isEmpty ? emptyPeriods + 1 : 0
            for day in days {
                let civil = Civil(dayNumber: day)
                guard let instant = calendar.date(from: DateComponents(year: civil.year, month: civil.month, day: civil.day,
                                                                       hour: local.hour, minute: local.minute, second: local.second))
                else { continue }
                if instant < start { continue }
                if let until = rule.until, instant > until { return out }
                if let end, instant > end { return out }
                counted += 1
                if !exceptions.contains(instant) { out.append(instant) }
                if let count = rule.count, counted >= count { return out }
                if out.count >= limit { return out }
            }
        }
        return out
    }

    /// The sorted candidate days (day numbers) of the n-th period, BYSETPOS applied.
    func candidates(period: Int, first: Civil, startDay: Int) -> [Int] {
        let step = period * rule.interval
        var days: [Int]
        switch rule.frequency {
        case .daily:
            let day = startDay + step
            days = passesFilters(day, weekdayFilter: true) ? [day] : []
        case .weekly:
            let monday = startDay - Civil.weekday(startDay) + 1 + 7 * step
            let weekdays = rule.byDay.isEmpty ? [Civil.weekday(startDay)] : rule.byDay.map(\.weekday)
            // The first week starts at DTSTART itself (as dateutil reads it): BYSETPOS counts from there.
            days = weekdays.map { monday + $0 - 1 }.filter { passesFilters($0, weekdayFilter: false) && (period > 0 || $0 >= startDay) }
        case .monthly:
            let months = first.month - 1 + step
            let year = first.year + Int((Double(months) / 12).rounded(.down)), month = ((months % 12) + 12) % 12 + 1
            days = rule.byMonth.isEmpty || rule.byMonth.contains(month) ? monthDays(year, month, defaultDay: first.day) : []
        case .yearly:
            days = yearDays(first.year + step, first: first)
        }
        days = Array(Set(days)).sorted()
        guard !rule.bySetPos.isEmpty, !days.isEmpty else { return days }
        let picked = rule.bySetPos.compactMap { position -> Int? in
            let index = position > 0 ? position - 1 : days.count + position
            return days.indices.contains(index) ? days[index] : nil
        }
        return Array(Set(picked)).sorted()
    }

    /// BYMONTH, BYMONTHDAY and (without ordinals) BYDAY as filters: daily and weekly rules.
    func passesFilters(_ day: Int, weekdayFilter: Bool) -> Bool {
        let civil = Civil(dayNumber: day)
        if !rule.byMonth.isEmpty && !rule.byMonth.contains(civil.month) { return false }
        if !rule.byMonthDay.isEmpty {
            let length = Civil.daysInMonth(civil.year, civil.month)
            if !rule.byMonthDay.contains(where: { ($0 > 0 ? $0 : length + 1 + $0) == civil.day }) { return false }
        }
        if weekdayFilter && !rule.byDay.isEmpty && !rule.byDay.contains(where: { $0.weekday == Civil.weekday(day) }) { return false }
        return true
    }

    /// The days of one month the rule picks: BYMONTHDAY and BYDAY (ordinals within the month) intersect.
    func monthDays(_ year: Int, _ month: Int, defaultDay: Int) -> [Int] {
        let length = Civil.daysInMonth(year, month)
        let firstDay = Civil(year: year, month: month, day: 1).dayNumber
        let all = Array(firstDay..<(firstDay + length))
        if rule.byMonthDay.isEmpty && rule.byDay.isEmpty {
            return defaultDay <= length ? [firstDay + defaultDay - 1] : []
        }
        var picked: Set<Int>?
        if !rule.byMonthDay.isEmpty {
            picked = Set(rule.byMonthDay.map { $0 > 0 ? $0 : length + 1 + $0 }.filter { (1...length).contains($0) }.map { firstDay + $0 - 1 })
        }
        if !rule.byDay.isEmpty {
            let weekdays = Set(Self.weekdays(rule.byDay, within: all))
            picked = picked.map { $0.intersection(weekdays) } ?? weekdays
        }
        return Array(picked ?? [])
    }

    /// The days of one year: per BYMONTH month, or across the whole year when BYDAY has no BYMONTH.
    func yearDays(_ year: Int, first: Civil) -> [Int] {
        if rule.byMonthDay.isEmpty && rule.byDay.isEmpty {
            let months = rule.byMonth.isEmpty ? [first.month] : rule.byMonth
            return months.flatMap { monthDays(year, $0, defaultDay: first.day) }
        }
        if !rule.byMonth.isEmpty {
            return rule.byMonth.flatMap { monthDays(year, $0, defaultDay: first.day) }
        }
        let firstDay = Civil(year: year, month: 1, day: 1).dayNumber
        let all = Array(firstDay..<Civil(year: year + 1, month: 1, day: 1).dayNumber)
        var picked: Set<Int>?
        if !rule.byMonthDay.isEmpty {
            picked = Set(all.filter { day in
                let civil = Civil(dayNumber: day)
                let length = Civil.daysInMonth(civil.year, civil.month)
                return rule.byMonthDay.contains { ($0 > 0 ? $0 : length + 1 + $0) == civil.day }
            })
        }
        if !rule.byDay.isEmpty {
            let weekdays = Set(Self.weekdays(rule.byDay, within: all))
            picked = picked.map { $0.intersection(weekdays) } ?? weekdays
        }
        return Array(picked ?? [])
    }

    /// The days of `span` on the given weekdays; with an ordinal, only the nth (or nth from the end).
    static func weekdays(_ items: [RecurrenceRule.WeekdayNum], within span: [Int]) -> [Int] {
        items.flatMap { item -> [Int] in
            let matching = span.filter { Civil.weekday($0) == item.weekday }
            guard let n = item.ordinal else { return matching }
            let index = n > 0 ? n - 1 : matching.count + n
            return matching.indices.contains(index) ? [matching[index]] : []
        }
    }
}

/// A proleptic Gregorian date and its day number (days since 1970-01-01),
/// for date arithmetic without a calendar object.
public struct Civil: Hashable, Sendable {
    public let year: Int, month: Int, day: Int

    init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }

    /// Howard Hinnant's days-from-civil.
    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
    static func weekday(_ dayNumber: Int) -> Int { ((dayNumber + 3) % 7 + 7) % 7 + 1 }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
