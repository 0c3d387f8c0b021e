import CarteraCore
import Foundation

/// The activity form as posted, with the date and time read in the user's zone.
struct ActivityForm {
    var values: [String: String]

    static let fields = ["categoryId", "date", "time", "userId", "contactId", "projectId", "detail"]

    init(_ form: FormData) {
        values = Self.fields.reduce(into: [:]) { $0[$1] = form[$1] ?? "" }
    }

    /// A new activity: now, by the user.
    init(newFor viewer: Viewer, now: Date, timeZone: TimeZone) {
        let (date, time) = LocalDateTime.parts(now, timeZone: timeZone)
        values = ["categoryId": "", "date": date, "time": time, "userId": viewer.id.description, "contactId": "", "projectId": "",
                  "detail": ""]
    }

    init(_ activity: Activity, timeZone: TimeZone) {
        let d = activity.draft
        let (date, time) = LocalDateTime.parts(d.at, timeZone: timeZone)
        values = ["categoryId": d.categoryID?.description ?? "", "date": date, "time": time, "userId": d.userID.description,
                  "contactId": d.contactID?.description ?? "", "projectId": d.projectID?.description ?? "", "detail": d.detail]
    }

    subscript(_ key: String) -> String { values[key] ?? "" }

    func draft(timeZone: TimeZone) throws(ValidationFailure) -> ActivityDraft {
        var v = Validator()
        let at = v.instant(date: ("date", self["date"]), time: ("time", self["time"]), timeZone: timeZone)
        let user = User.ID(string: self["userId"])
        if user == nil { v.add("userId", "required") }
        let draft = ActivityDraft(contactID: Contact.ID(string: self["contactId"]), categoryID: ActivityCategory.ID(string: self["categoryId"]),
                                  projectID: Project.ID(string: self["projectId"]), userID: user ?? .init(0), detail: self["detail"], at: at ?? Date(timeIntervalSince1970: 0))
        return try draft.validated(after: v.errors)
    }
}

/// The selects of an activity form.
struct ActivityFormChoices: Encodable {
    let categories: [Option]
    let users: [Option]
    let contacts: [Option]
    let projects: [Option]

    /// `projects` are the client's; closed ones are offered only when already chosen.
    init(form: ActivityForm, categories: [ActivityCategory], users: [User], contacts: [Contact], projects: [Project]) {
        self.categories = Option.list(categories.filter { $0.active || $0.id.description == form["categoryId"] }.map { ($0.id, $0.name) },
                                      selected: form["categoryId"])
        self.users = users.filter(\.active).map { Option(value: $0.id.description, label: $0.name, selected: form["userId"] == $0.id.description) }
        self.contacts = Option.list(contacts.map { ($0.id, $0.name) }, selected: form["contactId"])
        self.projects = Option.list(projects.filter { !$0.draft.closed || $0.id.description == form["projectId"] }
                                        .map { ($0.id, "\($0.projectKey) · \($0.draft.name)") }, selected: form["projectId"])
    }
}
