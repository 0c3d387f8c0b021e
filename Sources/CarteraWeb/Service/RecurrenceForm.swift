import CarteraCore
import Foundation

/// The schedule part of a recurring rule as a person fills it: how often,
/// which weekdays, which day of the month, when it ends — or an RFC 5545 rule
/// typed by hand ("advanced"), which wins when given.
struct RecurrenceForm {
    var values: [String: String]
    var weekdays: Set<String>

    static let fields = ["freq", "interval", "monthMode", "monthDay", "ordinal", "ordinalDay", "ends", "count", "until", "advanced"]
    static let weekdayCodes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

    init(_ form: FormData) {
        values = Self.fields.reduce(into: [:]) { $0[$1] = form[$1] ?? "" }
        weekdays = Set(form.all("byday").filter(Self.weekdayCodes.contains))
    }

    /// The form showing `text`; a rule the simple fields cannot say stays in "advanced".
    init(rule text: String, timeZone: TimeZone) {
        values = ["freq": "WEEKLY", "interval": "1", "monthMode": "day", "monthDay": "", "ordinal": "1", "ordinalDay": "MO",
                  "ends": "never", "count": "", "until": "", "advanced": ""]
        weekdays = []
        guard let rule = RecurrenceRule(text) else { values["advanced"] = text; return }
        let plainDays = rule.byDay.allSatisfy { $0.ordinal == nil }
        let fits: Bool = switch rule.frequency {
        case .daily, .yearly: rule.byDay.isEmpty && rule.byMonthDay.isEmpty
        case .weekly: plainDays && rule.byMonthDay.isEmpty
        case .monthly: (rule.byDay.isEmpty && rule.byMonthDay.count <= 1)
            || (rule.byMonthDay.isEmpty && rule.byDay.count == 1 && rule.byDay[0].ordinal != nil)
        }
        guard fits, rule.bySetPos.isEmpty, rule.byMonth.isEmpty else { values["advanced"] = text; return }
        values["freq"] = rule.frequency.rawValue
        values["interval"] = String(rule.interval)
        weekdays = Set(rule.byDay.filter { $0.ordinal == nil }.map { Self.weekdayCodes[$0.weekday - 1] })
        if let day = rule.byMonthDay.first { values["monthDay"] = String(day) }
        if rule.frequency == .monthly, let nth = rule.byDay.first, let ordinal = nth.ordinal {
            values["monthMode"] = "weekday"; values["ordinal"] = String(ordinal); values["ordinalDay"] = Self.weekdayCodes[nth.weekday - 1]
        }
        if let count = rule.count { values["ends"] = "count"; values["count"] = String(count) }
        if let until = rule.until { values["ends"] = "until"; values["until"] = LocalDateTime.parts(until, timeZone: timeZone).date }
    }

    /// The RFC 5545 text and the problems of the fields that make it; `until` is the end of that day in `timeZone`.
    func rule(timeZone: TimeZone) -> (text: String, errors: [FieldError]) {
        if let advanced = values["advanced"]?.trimmingCharacters(in: .whitespaces), !advanced.isEmpty { return (advanced, []) }
        var errors: [FieldError] = []
        guard let frequency = RecurrenceRule.Frequency(rawValue: values["freq"] ?? "") else {
            return ("", [FieldError("freq", "invalid_choice")])
        }
        var rule = RecurrenceRule(frequency: frequency)
        if let interval = Int(values["interval"] ?? ""), (1...1000).contains(interval) { rule.interval = interval } else {
            errors.append(FieldError("interval", "out_of_range", ["1", "1000"]))
        }
        switch frequency {
        case .weekly:
            rule.byDay = Self.weekdayCodes.enumerated().filter { weekdays.contains($0.element) }.map { .init(weekday: $0.offset + 1) }
        case .monthly where values["monthMode"] == "weekday":
            guard let ordinal = Int(values["ordinal"] ?? ""), [1, 2, 3, 4, -1].contains(ordinal),
                  let day = Self.weekdayCodes.firstIndex(of: values["ordinalDay"] ?? "") else {
                errors.append(FieldError("ordinal", "invalid_choice")); break
            }
            rule.byDay = [.init(weekday: day + 1, ordinal: ordinal)]
        case .monthly:
            if let text = values["monthDay"], !text.isEmpty {
                if let day = Int(text), day != 0, (-1...31).contains(day) { rule.byMonthDay = [day] } else {
                    errors.append(FieldError("monthDay", "out_of_range", ["1", "31"]))
                }
            }
        case .daily, .yearly:
            break
        }
        switch values["ends"] {
        case "count":
            if let count = Int(values["count"] ?? ""), (1...10_000).contains(count) { rule.count = count } else {
                errors.append(FieldError("count", "out_of_range", ["1", "10000"]))
            }
        case "until":
            if let end = LocalDateTime.instant(date: values["until"] ?? "", time: "23:59", timeZone: timeZone) {
                rule.until = end.addingTimeInterval(59)
            } else {
                errors.append(FieldError("until", "invalid_date"))
            }
        default:
            break
        }
        return (rule.text, errors)
    }

    /// Weekday checkboxes and the choice lists, labelled in `t`.
    func choices(_ t: [String: String]) -> RecurrenceChoices {
        func options(_ pairs: [(String, String)], _ key: String) -> [Option] {
            pairs.map { Option(value: $0.0, label: $0.1, selected: values[key] == $0.0) }
        }
        return RecurrenceChoices(
            frequencies: options(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"].map { ($0, t["recurrence_freq_\($0)"] ?? $0) }, "freq"),
            weekdays: Self.weekdayCodes.map { Option(value: $0, label: t["weekday_\($0)"] ?? $0, selected: weekdays.contains($0)) },
            ordinals: options(["1", "2", "3", "4", "-1"].map { ($0, t["ordinal_\($0)"] ?? $0) }, "ordinal"),
            ordinalDays: options(Self.weekdayCodes.map { ($0, t["weekday_\($0)"] ?? $0) }, "ordinalDay"),
            ends: options(["never", "count", "until"].map { ($0, t["recurrence_ends_\($0)"] ?? $0) }, "ends"),
            monthByWeekday: values["monthMode"] == "weekday")
    }
}

struct RecurrenceChoices: Encodable {
    let frequencies: [Option]
    let weekdays: [Option]
    let ordinals: [Option]
    let ordinalDays: [Option]
    let ends: [Option]
    let monthByWeekday: Bool
}
