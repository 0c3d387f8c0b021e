import Foundation

extension RecurrenceRule {
    /// The rule as a person says it: "cada 2 semanas, los viernes a las 11:00" /
    /// "every 2 weeks on Friday at 11:00". `time` is DTSTART's local "HH:MM";
    /// `until` is shown as a date in the same zone.
    public func sentence(_ language: Language, time: String, timeZone: TimeZone) -> String {
        let words = language == .en ? Self.english : Self.spanish
        var parts: [String] = []
        let unit = words.units[frequency]!
        parts.append(interval == 1 ? unit.one : words.every(interval, unit.many))
        if !byMonth.isEmpty { parts.append(words.inMonths(byMonth.map { words.months[$0 - 1] })) }
        if !byMonthDay.isEmpty { parts.append(words.monthDays(byMonthDay)) }
        if !byDay.isEmpty {
            let plain = byDay.filter { $0.ordinal == nil }.map { words.weekdays[$0.weekday - 1] }
            let nth = byDay.compactMap { item in item.ordinal.map { words.nth($0, words.weekday[item.weekday - 1]) } }
            if !plain.isEmpty { parts.append(words.onWeekdays(plain)) }
            if !nth.isEmpty { parts.append(words.list(nth)) }
        }
        if !bySetPos.isEmpty { parts.append(words.setPositions(bySetPos)) }
        var sentence = parts.joined(separator: words.separator) + " " + words.at(time)
        if let count { sentence += ", " + words.times(count) }
        if let until {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let c = calendar.dateComponents([.year, .month, .day], from: until)
            sentence += ", " + words.until(c.year!, c.month!, c.day!)
        }
        return sentence
    }

    struct Words: Sendable {
        let units: [Frequency: Unit]
        /// As in "los sábados" / "on Saturday".
        let weekdays: [String]
        /// As in "el último sábado" / "the last Saturday".
        let weekday: [String]
        let months: [String]
        let separator: String
        let every: @Sendable (Int, String) -> String
        let inMonths: @Sendable ([String]) -> String
        let monthDays: @Sendable ([Int]) -> String
        let onWeekdays: @Sendable ([String]) -> String
        let nth: @Sendable (Int, String) -> String
        let setPositions: @Sendable ([Int]) -> String
        let at: @Sendable (String) -> String
        let times: @Sendable (Int) -> String
        let until: @Sendable (Int, Int, Int) -> String
        let list: @Sendable ([String]) -> String
    }

    struct Unit: Sendable { let one: String; let many: String }

    static func joined(_ items: [String], _ and: String) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " \(and) " + items.last!
    }

    static let spanish: Words = {
        let list: @Sendable ([String]) -> String = { joined($0, "y") }
        let ordinals = [1: "primer", 2: "segundo", 3: "tercer", 4: "cuarto", 5: "quinto", -1: "último", -2: "penúltimo"]
        return Words(
            units: [.daily: Unit(one: "cada día", many: "días"), .weekly: Unit(one: "cada semana", many: "semanas"),
                    .monthly: Unit(one: "cada mes", many: "meses"), .yearly: Unit(one: "cada año", many: "años")],
            weekdays: ["lunes", "martes", "miércoles", "jueves", "viernes", "sábados", "domingos"],
            weekday: ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
            months: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                     "noviembre", "diciembre"],
            separator: ", ",
            every: { "cada \($0) \($1)" },
            inMonths: { "en " + list($0) },
            monthDays: { days in
                let names = days.map { $0 == -1 ? "el último día" : $0 < 0 ? "\(-$0)° día antes del fin" : String($0) }
                return days.count == 1 && days[0] > 0 ? "el día \(days[0])" : days == [-1] ? "el último día del mes" : "los días " + list(names)
            },
            onWeekdays: { "los " + list($0) },
            nth: { n, day in "el \(ordinals[n] ?? "\(n).º") \(day)" },
            setPositions: { positions in
                "solo " + list(positions.map { $0 == -1 ? "la última" : $0 < 0 ? "la \(-$0).ª desde el final" : "la \($0).ª" }) + " de cada período"
            },
            at: { "a las \($0)" },
            times: { $0 == 1 ? "1 vez" : "\($0) veces" },
            until: { String(format: "hasta el %02d/%02d/%04d", $2, $1, $0) },
            list: list)
    }()

    static let english: Words = {
        let list: @Sendable ([String]) -> String = { joined($0, "and") }
        let ordinals = [1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"]
        return Words(
            units: [.daily: Unit(one: "every day", many: "days"), .weekly: Unit(one: "every week", many: "weeks"),
                    .monthly: Unit(one: "every month", many: "months"), .yearly: Unit(one: "every year", many: "years")],
            weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
            weekday: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
            months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                     "November", "December"],
            separator: " ",
            every: { "every \($0) \($1)" },
            inMonths: { "in " + list($0) },
            monthDays: { days in
                days == [-1] ? "on the last day of the month"
                    : "on " + (days.count == 1 ? "day " : "days ") + list(days.map { $0 == -1 ? "the last" : $0 < 0 ? "\(-$0) before the end" : String($0) })
            },
            onWeekdays: { "on " + list($0) },
            nth: { n, day in "on the \(ordinals[n] ?? "\(n)th") \(day)" },
            setPositions: { positions in
                "only the " + list(positions.map { $0 == -1 ? "last" : $0 < 0 ? "\(-$0) from the end" : "\($0)" }) + " of each period"
            },
            at: { "at \($0)" },
            times: { $0 == 1 ? "once" : "\($0) times" },
            until: { String(format: "until %04d-%02d-%02d", $0, $1, $2) },
            list: list)
    }()
}
