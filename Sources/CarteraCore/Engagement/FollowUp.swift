import Foundation

/// A follow-up (seguimiento) on a client: something to do by a date, by a
/// responsible user, with an optional e-mail reminder before it is due.
public struct FollowUp: Hashable, Sendable {
    public typealias ID = EntityID<FollowUp>

    public enum Status: String, Sendable, Codable, CaseIterable { case pending, done }

    /// The colours a follow-up can be marked with (the panel shows them as a stripe).
    public enum Colour: String, Sendable, Codable, CaseIterable { case blue, green, yellow, orange, red, purple, grey }

    public let id: ID
    public let clientID: Client.ID
    /// Who created it: its owner for the access levels.
    public let ownerID: User.ID
    public let draft: FollowUpDraft
    public let status: Status
    public let doneAt: Date?
    public let doneByID: User.ID?
    public let version: Int64
    public let createdAt: Date

    public init(id: ID, clientID: Client.ID, ownerID: User.ID, draft: FollowUpDraft, status: Status, doneAt: Date?,
                doneByID: User.ID?, version: Int64, createdAt: Date) {
        self.id = id; self.clientID = clientID; self.ownerID = ownerID; self.draft = draft; self.status = status
        self.doneAt = doneAt; self.doneByID = doneByID; self.version = version; self.createdAt = createdAt
    }
}

/// What a person writes on a follow-up.
public struct FollowUpDraft: Hashable, Sendable, Codable {
    public var contactID: Contact.ID?
    public var responsibleID: User.ID
    public var title: String
    public var description: String?
    public var colour: FollowUp.Colour
    public var dueAt: Date
    /// Minutes before `dueAt` to send the e-mail reminder; nil for none.
    public var remindMinutesBefore: Int?

    /// When the reminder is due, if one was asked for.
    public var remindAt: Date? { remindMinutesBefore.map { dueAt.addingTimeInterval(-Double($0) * 60) } }

    /// Reminders can be asked for up to 30 days ahead.
    public static let longestReminder = 30 * 24 * 60

    public init(contactID: Contact.ID? = nil, responsibleID: User.ID, title: String, description: String? = nil,
                colour: FollowUp.Colour = .blue, dueAt: Date, remindMinutesBefore: Int? = nil) {
        self.contactID = contactID; self.responsibleID = responsibleID; self.title = title; self.description = description
        self.colour = colour; self.dueAt = dueAt; self.remindMinutesBefore = remindMinutesBefore
    }

    /// Trimmed and checked; every invalid field at once.
    public func validated() throws(ValidationFailure) -> FollowUpDraft {
        var v = Validator()
        var out = self
        out.title = v.text("title", title, required: true, maxLength: 200) ?? ""
        out.description = v.text("description", description, maxLength: 4000)
        if let minutes = remindMinutesBefore, !(0...Self.longestReminder).contains(minutes) {
            v.add("remindMinutesBefore", "out_of_range", ["0", String(Self.longestReminder)])
        }
        try v.check()
        return out
    }

    /// Checked as above, also reporting `parseErrors` (fields a form or a JSON
    /// body could not even read) — each field named once.
    public func validated(after parseErrors: [FieldError]) throws(ValidationFailure) -> FollowUpDraft {
        var errors = parseErrors
        var valid: FollowUpDraft?
        do { valid = try validated() } catch {
            errors += error.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        }
        guard errors.isEmpty, let valid else { throw ValidationFailure(errors) }
        return valid
    }
}

/// The follow-up panel's tabs, in the user's time zone with weeks from Monday.
public enum FollowUpTab: String, Sendable, CaseIterable {
    /// Pending, due today.
    case today
    /// Pending, due before today.
    case overdue
    /// Pending, due from today to Sunday.
    case week
    /// Pending, due next Monday to Sunday.
    case next

    /// The due-date interval `[from, to)` of the tab; `from` nil means "since ever".
    public func interval(now: Date, timeZone: TimeZone) -> (from: Date?, to: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        // Days later, as the start of that local day: a day that began at 01:00 (DST) does not shift the next.
        func later(_ days: Int, _ from: Date) -> Date { calendar.startOfDay(for: calendar.date(byAdding: .day, value: days, to: from)!) }
        let today = calendar.startOfDay(for: now)
        let monday = calendar.dateInterval(of: .weekOfYear, for: now)!.start
        let nextMonday = later(7, monday)
        switch self {
        case .today: return (today, later(1, today))
        case .overdue: return (nil, today)
        case .week: return (today, nextMonday)
        case .next: return (nextMonday, later(7, nextMonday))
        }
    }
}

extension Validator {
    /// A required date and time typed in a form, read in `timeZone`; each
    /// field's problem recorded under its own name.
    public mutating func instant(date: (field: String, text: String), time: (field: String, text: String),
                                 timeZone: TimeZone) -> Date? {
        guard !date.text.isEmpty else { add(date.field, "required"); return nil }
        guard CalendarDate(date.text) != nil else { add(date.field, "invalid_date"); return nil }
        guard let instant = LocalDateTime.instant(date: date.text, time: time.text, timeZone: timeZone) else {
            add(time.field, "invalid_time")
            return nil
        }
        return instant
    }
}

/// A wall-clock date and time typed in a form, read in the user's time zone.
public enum LocalDateTime {
    /// "2026-11-24" and "09:30" in `timeZone`; nil when either is malformed. A time
    /// skipped by a daylight-saving jump moves forward to the first valid one.
    public static func instant(date: String, time: String, timeZone: TimeZone) -> Date? {
        guard let day = CalendarDate(date) else { return nil }
        let parts = time.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), parts[1].count == 2,
              (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute))
    }

    /// The instants `[start of from, start of the day after to)` in `timeZone`, for
    /// list filters; a malformed date is reported as `dateFrom` or `dateTo`.
    public static func dayRange(from: String?, to: String?, timeZone: TimeZone) -> (from: Date?, to: Date?, errors: [FieldError]) {
        var errors: [FieldError] = []
        func day(_ text: String?, _ field: String) -> CalendarDate? {
            guard let text, !text.isEmpty else { return nil }
            guard let day = CalendarDate(text) else { errors.append(FieldError(field, "invalid_date")); return nil }
            return day
        }
        // The day after, counted on the calendar (not as 24 hours, which a DST change would skew).
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        let next = day(to, "dateTo").flatMap { d in
            utc.date(from: DateComponents(year: d.year, month: d.month, day: d.day)).flatMap { utc.date(byAdding: .day, value: 1, to: $0) }
        }.map { LocalDateTime.parts($0, timeZone: .gmt).date }
        let lower = day(from, "dateFrom").flatMap { instant(date: $0.description, time: "00:00", timeZone: timeZone) }
        let upper = next.flatMap { instant(date: $0, time: "00:00", timeZone: timeZone) }
        return (lower, upper, errors)
    }

    /// The calendar day an instant falls on in `timeZone` ("today" for a user or the company).
    public static func day(_ instant: Date, timeZone: TimeZone) -> CalendarDate {
        CalendarDate(parts(instant, timeZone: timeZone).date)!
    }

    /// The date ("2026-11-24") and time ("09:30") of an instant in `timeZone`.
    public static func parts(_ instant: Date, timeZone: TimeZone) -> (date: String, time: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        return (String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!), String(format: "%02d:%02d", c.hour!, c.minute!))
    }
}
