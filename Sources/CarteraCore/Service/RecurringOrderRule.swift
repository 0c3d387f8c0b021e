import Foundation

/// A recurring work order (seed 000, "Órdenes de trabajo recurrentes"): an RFC 5545
/// rule from a local start in the company's zone, plus the order each occurrence becomes.
public struct RecurringOrderRule: Hashable, Sendable {
    public typealias ID = EntityID<RecurringOrderRule>

    public let id: ID
    public let clientID: Client.ID
    public let draft: RecurringOrderDraft
    /// Ended rules make no more orders.
    public let ended: Bool
    public let version: Int64

    public init(id: ID, clientID: Client.ID, draft: RecurringOrderDraft, ended: Bool, version: Int64) {
        self.id = id; self.clientID = clientID; self.draft = draft; self.ended = ended; self.version = version
    }
}

/// What a person writes on a recurring rule.
public struct RecurringOrderDraft: Hashable, Sendable {
    /// `FREQ=WEEKLY;INTERVAL=2;BYDAY=FR`.
    public var rule: String
    /// The first occurrence's local date and time ("2026-12-04", "11:00") in `timeZone`.
    public var startDate: String
    public var startTime: String
    public var timeZone: String
    /// Local dates ("2026-12-25") skipped at the rule's time.
    public var exceptionDates: [String]
    /// The order each occurrence becomes.
    public var template: WorkOrderDraft

    public init(rule: String, startDate: String, startTime: String, timeZone: String, exceptionDates: [String] = [],
                template: WorkOrderDraft) {
        self.rule = rule; self.startDate = startDate; self.startTime = startTime; self.timeZone = timeZone
        self.exceptionDates = exceptionDates; self.template = template
    }

    /// Checked: the rule parses, the start is a real local time, the exception dates are dates.
    public func validated(after parseErrors: [FieldError] = []) throws(ValidationFailure) -> RecurringOrderDraft {
        var v = Validator()
        var out = self
        out.rule = rule.trimmingCharacters(in: .whitespaces).uppercased()
        if out.rule.isEmpty { v.add("rule", "required") } else if RecurrenceRule(out.rule) == nil { v.add("rule", "invalid_rule") }
        let zone = TimeZone(identifier: timeZone)
        if zone == nil { v.add("timeZone", "invalid_choice") }
        // Expansion walks from the start: a start before 2000 would make every pass walk decades for nothing.
        if let day = CalendarDate(startDate), !(2000...2100).contains(day.year) { v.add("startDate", "out_of_range", ["2000", "2100"]) }
        else { _ = v.instant(date: ("startDate", startDate), time: ("startTime", startTime), timeZone: zone ?? .gmt) }
        out.exceptionDates = exceptionDates.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if out.exceptionDates.contains(where: { CalendarDate($0) == nil }) { v.add("exceptionDates", "invalid_date") }
        out.template.appointmentAt = nil
        out.template.appointmentZone = nil
        do { out.template = try template.validated() } catch { for e in error.errors { v.add(e.field, e.code, e.arguments) } }
        let errors = parseErrors + v.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return out
    }

    /// The expansion of a validated draft.
    public var recurrence: Recurrence? {
        guard let rule = RecurrenceRule(rule), let zone = TimeZone(identifier: timeZone),
              let start = LocalDateTime.instant(date: startDate, time: startTime, timeZone: zone) else { return nil }
        let exceptions = exceptionDates.compactMap { LocalDateTime.instant(date: $0, time: startTime, timeZone: zone) }
        return Recurrence(rule: rule, start: start, timeZone: zone, exceptions: Set(exceptions))
    }

    /// "cada 2 semanas, los viernes a las 11:00".
    public func sentence(_ language: Language) -> String {
        guard let rule = RecurrenceRule(rule) else { return rule }
        return rule.sentence(language, time: startTime, timeZone: TimeZone(identifier: timeZone) ?? .gmt)
    }
}
