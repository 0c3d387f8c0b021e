import CarteraCore
import CarteraStore
import Foundation

/// The work order form as posted; the appointment is read in the user's zone.
struct WorkOrderForm {
    var values: [String: String]
    /// The chosen assets (checkboxes `assetIds`).
    var assetIDs: [String]

    static let fields = ["categoryId", "priority", "assigneeId", "contactId", "projectId", "date", "time", "description",
                         "equipmentReceived"]

    init(_ form: FormData) {
        values = Self.fields.reduce(into: [:]) { $0[$1] = form[$1] ?? "" }
        assetIDs = form.all("assetIds")
    }

    /// A new order: normal priority, assigned to nobody yet, no appointment.
    static var blank: WorkOrderForm {
        var form = WorkOrderForm(FormData(""))
        form.values["priority"] = WorkOrder.Priority.normal.rawValue
        return form
    }

    init(_ order: WorkOrder, timeZone: TimeZone) {
        let d = order.draft
        let (date, time) = d.appointmentAt.map { LocalDateTime.parts($0, timeZone: timeZone) } ?? ("", "")
        values = ["categoryId": d.categoryID?.description ?? "", "priority": d.priority.rawValue,
                  "assigneeId": d.assigneeID?.description ?? "", "contactId": d.contactID?.description ?? "",
                  "projectId": d.projectID?.description ?? "", "date": date, "time": time, "description": d.description,
                  "equipmentReceived": d.equipmentReceived ?? ""]
        assetIDs = d.assetIDs.map(\.description)
    }

    subscript(_ key: String) -> String { values[key] ?? "" }

    /// The draft; an appointment needs both date and time, read in `timeZone`.
    func draft(timeZone: TimeZone) throws(ValidationFailure) -> WorkOrderDraft {
        var v = Validator()
        let priority = WorkOrder.Priority(rawValue: self["priority"])
        if priority == nil { v.add("priority", "invalid_choice") }
        var appointment: Date?
        if !self["date"].isEmpty || !self["time"].isEmpty {
            appointment = v.instant(date: ("date", self["date"]), time: ("time", self["time"]), timeZone: timeZone)
        }
        let draft = WorkOrderDraft(contactID: Contact.ID(string: self["contactId"]), projectID: Project.ID(string: self["projectId"]),
                                   categoryID: ActivityCategory.ID(string: self["categoryId"]), priority: priority ?? .normal,
                                   assigneeID: User.ID(string: self["assigneeId"]), appointmentAt: appointment,
                                   appointmentZone: appointment == nil ? nil : timeZone.identifier,
                                   description: self["description"], equipmentReceived: self["equipmentReceived"],
                                   assetIDs: assetIDs.compactMap { Asset.ID(string: $0) })
        return try draft.validated(after: v.errors)
    }
}

/// The selects of a work order form (also the template of a recurring rule).
struct WorkOrderFormChoices: Encodable {
    let categories: [Option]
    let priorities: [Option]
    let assignees: [Option]
    let contacts: [Option]
    let projects: [Option]
    /// The client's assets as checkboxes.
    let assets: [Option]
    let hasAssets: Bool

    /// Inactive categories, users, closed projects and archived assets are offered only when already chosen.
    init(values: [String: String], assetIDs: [String], categories: [ActivityCategory], users: [User], contacts: [Contact],
         projects: [Project], assets: [AssetListing], t: [String: String]) {
        self.categories = Option.list(categories.filter { $0.active || $0.id.description == values["categoryId"] }.map { ($0.id, $0.name) },
                                      selected: values["categoryId"])
        priorities = WorkOrder.Priority.allCases.map {
            Option(value: $0.rawValue, label: t["priority_\($0.rawValue)"] ?? $0.rawValue, selected: values["priority"] == $0.rawValue)
        }
        assignees = Option.list(users.filter { $0.active || $0.id.description == values["assigneeId"] }.map { ($0.id, $0.name) },
                                selected: values["assigneeId"], emptyLabel: t["order_unassigned"] ?? "—")
        self.contacts = Option.list(contacts.map { ($0.id, $0.name) }, selected: values["contactId"])
        self.projects = Option.list(projects.filter { !$0.draft.closed || $0.id.description == values["projectId"] }
                                        .map { ($0.id, "\($0.projectKey) · \($0.draft.name)") }, selected: values["projectId"])
        self.assets = assets.filter { !$0.asset.archived || assetIDs.contains($0.asset.id.description) }.map {
            Option(value: $0.asset.id.description, label: "\($0.asset.draft.name) (\($0.kindName))",
                   selected: assetIDs.contains($0.asset.id.description))
        }
        hasAssets = !self.assets.isEmpty
    }
}
