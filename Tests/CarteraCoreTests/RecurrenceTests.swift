import CarteraCore
import Foundation
import Testing

@Suite("Recurrence rules (RFC 5545) against python-dateutil")
struct RecurrenceTests {
    struct Case: Decodable {
        let rule: String, zone: String, start: String, exdates: [String], horizon: String, expected: [String]
    }

    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("400 generated rules (intervals, ordinals, month days, set positions, COUNT, UNTIL, EXDATE, DST zones) match dateutil")
    func matchesDateutil() throws {
        let url = try #require(Bundle.module.url(forResource: "recurrence-dateutil", withExtension: "json"))
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
        #expect(cases.count == 400)
        var mismatches: [String] = []
        for item in cases {
            guard let rule = RecurrenceRule(item.rule) else { mismatches.append("unparsed \(item.rule)"); continue }
            let recurrence = Recurrence(rule: rule, start: Self.instant(item.start), timeZone: TimeZone(identifier: item.zone)!,
                                        exceptions: Set(item.exdates.map(Self.instant)))
            let got = recurrence.occurrences(through: Self.instant(item.horizon), limit: 40 - item.exdates.count)
            let formatter = ISO8601DateFormatter()
            if got.map(formatter.string) != item.expected {
                mismatches.append("\(item.rule) from \(item.start) in \(item.zone): got \(got.prefix(3).map(formatter.string)) expected \(item.expected.prefix(3))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count): \(mismatches.prefix(5).joined(separator: "\n"))")
    }

    @Test("every two weeks on Friday at 11:00 keeps 11:00 local across a DST change")
    func everyOtherFriday() throws {
        let rule = try #require(RecurrenceRule("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=4"))
        let madrid = TimeZone(identifier: "Europe/Madrid")!
        // Friday 16 October 2026, 11:00 in Madrid (UTC+2); clocks go back on 25 October.
        let got = Recurrence(rule: rule, start: Self.instant("2026-10-16T09:00:00Z"), timeZone: madrid).occurrences()
        #expect(got == ["2026-10-16T09:00:00Z", "2026-10-30T10:00:00Z", "2026-11-13T10:00:00Z", "2026-11-27T10:00:00Z"].map(Self.instant))
        #expect(rule.text == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=4")
    }

    @Test("unknown parts and impossible values are refused")
    func parsing() {
        #expect(RecurrenceRule("FREQ=HOURLY") == nil)
        #expect(RecurrenceRule("FREQ=WEEKLY;BYDAY=2FR") == nil)
        #expect(RecurrenceRule("FREQ=MONTHLY;BYMONTHDAY=0") == nil)
        #expect(RecurrenceRule("FREQ=DAILY;COUNT=3;UNTIL=20270101") == nil)
        #expect(RecurrenceRule("FREQ=MONTHLY;BYDAY=-1MO;BYSETPOS=1")?.byDay == [.init(weekday: 1, ordinal: -1)])
    }

    @Test("rules read as sentences in Spanish and English")
    func sentences() throws {
        let zone = TimeZone(identifier: "America/Argentina/Buenos_Aires")!
        func say(_ rule: String, _ language: Language, _ time: String = "11:00") throws -> String {
            try #require(RecurrenceRule(rule)).sentence(language, time: time, timeZone: zone)
        }
        #expect(try say("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", .es) == "cada 2 semanas, los viernes a las 11:00")
        #expect(try say("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", .en) == "every 2 weeks on Friday at 11:00")
        #expect(try say("FREQ=MONTHLY;BYDAY=-1SA", .es, "09:30") == "cada mes, el último sábado a las 09:30")
        #expect(try say("FREQ=MONTHLY;BYDAY=2FR;COUNT=6", .en) == "every month on the second Friday at 11:00, 6 times")
        #expect(try say("FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=15", .es) == "cada año, en enero y julio, el día 15 a las 11:00")
        #expect(try say("FREQ=DAILY;UNTIL=20271231T235959Z", .es) == "cada día a las 11:00, hasta el 31/12/2027")
        #expect(try say("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", .en)
                == "every month on Monday, Tuesday, Wednesday, Thursday and Friday only the last of each period at 11:00")
    }
}
