import CarteraCore
import Foundation
import Testing

@Suite("Follow-ups: tabs in the user's time zone, dates typed in forms")
struct FollowUpTests {
    let buenosAires = TimeZone(identifier: "America/Argentina/Buenos_Aires")!
    let santiago = TimeZone(identifier: "America/Santiago")!

    func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("weeks start on Monday; on a Sunday 'this week' is today and 'next week' starts tomorrow")
    func tabs() {
        let wednesday = at("2026-11-25T15:00:00Z")  // 12:00 in Buenos Aires
        #expect(FollowUpTab.today.interval(now: wednesday, timeZone: buenosAires) == (at("2026-11-25T03:00:00Z"), at("2026-11-26T03:00:00Z")))
        #expect(FollowUpTab.overdue.interval(now: wednesday, timeZone: buenosAires) == (nil, at("2026-11-25T03:00:00Z")))
        #expect(FollowUpTab.week.interval(now: wednesday, timeZone: buenosAires) == (at("2026-11-25T03:00:00Z"), at("2026-11-30T03:00:00Z")))
        #expect(FollowUpTab.next.interval(now: wednesday, timeZone: buenosAires) == (at("2026-11-30T03:00:00Z"), at("2026-12-07T03:00:00Z")))
        let sundayNight = at("2026-11-30T02:30:00Z")  // Sunday 23:30 in Buenos Aires, already Monday in UTC
        #expect(FollowUpTab.week.interval(now: sundayNight, timeZone: buenosAires) == (at("2026-11-29T03:00:00Z"), at("2026-11-30T03:00:00Z")))
        #expect(FollowUpTab.next.interval(now: sundayNight, timeZone: buenosAires).from == at("2026-11-30T03:00:00Z"))
    }

    @Test("a week that crosses a daylight-saving change ends at local midnight")
    func dstWeek() {
        // Chile moves clocks from 00:00 to 01:00 on Sunday 6 September 2026 (UTC-4 → UTC-3).
        let friday = at("2026-09-04T15:00:00Z")
        let next = FollowUpTab.next.interval(now: friday, timeZone: santiago)
        #expect(next.from == at("2026-09-07T03:00:00Z") && next.to == at("2026-09-14T03:00:00Z"))
        #expect(FollowUpTab.week.interval(now: friday, timeZone: santiago) == (at("2026-09-04T04:00:00Z"), at("2026-09-07T03:00:00Z")))
        // On the Sunday that began at 01:00, "today" still ends at Monday's midnight.
        let sunday = at("2026-09-06T15:00:00Z")
        #expect(FollowUpTab.today.interval(now: sunday, timeZone: santiago) == (at("2026-09-06T04:00:00Z"), at("2026-09-07T03:00:00Z")))
    }

    @Test("a date and time typed in a form is read in the user's zone and written back the same")
    func localDateTime() {
        let instant = LocalDateTime.instant(date: "2026-11-24", time: "09:30", timeZone: buenosAires)
        #expect(instant == at("2026-11-24T12:30:00Z"))
        #expect(LocalDateTime.parts(instant!, timeZone: buenosAires) == ("2026-11-24", "09:30"))
        #expect(LocalDateTime.instant(date: "2026-02-30", time: "09:30", timeZone: buenosAires) == nil)
        #expect(LocalDateTime.instant(date: "2026-11-24", time: "24:00", timeZone: buenosAires) == nil)
        #expect(LocalDateTime.instant(date: "2026-11-24", time: "9:3", timeZone: buenosAires) == nil)
        // 00:30 does not exist in Santiago that night: it moves forward, never back.
        let skipped = LocalDateTime.instant(date: "2026-09-06", time: "00:30", timeZone: santiago)!
        #expect(skipped >= at("2026-09-06T04:00:00Z") && skipped <= at("2026-09-06T04:30:00Z"))
    }

    @Test("a day range filter covers whole local days, across a daylight-saving change too")
    func dayRange() {
        let range = LocalDateTime.dayRange(from: "2026-09-05", to: "2026-09-06", timeZone: santiago)
        #expect(range.from == at("2026-09-05T04:00:00Z") && range.to == at("2026-09-07T03:00:00Z") && range.errors.isEmpty)
        let bad = LocalDateTime.dayRange(from: "5/9/2026", to: nil, timeZone: santiago)
        #expect(bad.from == nil && bad.to == nil && bad.errors == [FieldError("dateFrom", "invalid_date")])
    }

    @Test("title is required, reminders stay within 30 days")
    func validation() {
        let draft = FollowUpDraft(responsibleID: .init(1), title: "  ", dueAt: at("2026-11-24T12:00:00Z"), remindMinutesBefore: -5)
        #expect(throws: ValidationFailure([FieldError("title", "required"),
                                           FieldError("remindMinutesBefore", "out_of_range", ["0", "43200"])])) {
            try draft.validated()
        }
    }
}
