import CarteraCore
import Foundation

/// The follow-up form as posted: text fields, with the due date and time read
/// in the user's time zone.
struct FollowUpForm {
    var values: [String: String]

    static let fields = ["title", "description", "colour", "dueDate", "dueTime", "responsibleId", "contactId",
                         "remindMinutesBefore"]

    /// The reminder choices offered, in minutes before the due time.
    static let reminders = [0, 15, 30, 60, 120, 1440, 2880, 10080]

    init(_ form: FormData) {
        values = Self.fields.reduce(into: [:]) { $0[$1] = form[$1] ?? "" }
    }

    /// A new follow-up: due at the next full hour, for the user, blue, no reminder.
    init(newFor viewer: Viewer, now: Date, timeZone: TimeZone) {
        let next = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600 + 3600)
        let (date, time) = LocalDateTime.parts(next, timeZone: timeZone)
        values = ["title": "", "description": "", "colour": FollowUp.Colour.blue.rawValue, "dueDate": date, "dueTime": time,
                  "responsibleId": viewer.id.description, "contactId": "", "remindMinutesBefore": ""]
    }

    init(_ followUp: FollowUp, timeZone: TimeZone) {
        let d = followUp.draft
        let (date, time) = LocalDateTime.parts(d.dueAt, timeZone: timeZone)
        values = ["title": d.title, "description": d.description ?? "", "colour": d.colour.rawValue, "dueDate": date,
                  "dueTime": time, "responsibleId": d.responsibleID.description, "contactId": d.contactID?.description ?? "",
                  "remindMinutesBefore": d.remindMinutesBefore.map(String.init) ?? ""]
    }

    subscript(_ key: String) -> String { values[key] ?? "" }

    /// The draft, or every field that is wrong (the form's own checks and the draft's).
    func draft(timeZone: TimeZone) throws(ValidationFailure) -> FollowUpDraft {
        var v = Validator()
        let due = v.instant(date: ("dueDate", self["dueDate"]), time: ("dueTime", self["dueTime"]), timeZone: timeZone)
        let responsible = User.ID(string: self["responsibleId"])
        if responsible == nil { v.add("responsibleId", "required") }
        let colour = FollowUp.Colour(rawValue: self["colour"])
        if colour == nil { v.add("colour", "invalid_choice") }
        var reminder: Int?
        if !self["remindMinutesBefore"].isEmpty {
            reminder = Int(self["remindMinutesBefore"])
            if reminder == nil { v.add("remindMinutesBefore", "invalid_integer") }
        }
        let draft = FollowUpDraft(contactID: Contact.ID(string: self["contactId"]), responsibleID: responsible ?? .init(0),
                                  title: self["title"], description: self["description"], colour: colour ?? .blue,
                                  dueAt: due ?? Date(timeIntervalSince1970: 0), remindMinutesBefore: reminder)
        return try draft.validated(after: v.errors)
    }
}
