import Foundation

/// A kind of activity ("Visita", "Llamada", "Demostración"), from the admin's catalogue.
public struct ActivityCategory: Hashable, Sendable {
    public typealias ID = EntityID<ActivityCategory>
    public let id: ID
    public let name: String
    public let active: Bool
    public let version: Int64

    public init(id: ID, name: String, active: Bool, version: Int64) {
        self.id = id; self.name = name; self.active = active; self.version = version
    }
}

/// An activity (seed 001): what a user did, or is to do, with a client.
public struct Activity: Hashable, Sendable {
    public typealias ID = EntityID<Activity>

    public let id: ID
    public let clientID: Client.ID
    public let draft: ActivityDraft
    public let createdBy: User.ID
    public let status: FollowUp.Status
    public let doneAt: Date?
    public let doneByID: User.ID?
    public let version: Int64

    public init(id: ID, clientID: Client.ID, draft: ActivityDraft, createdBy: User.ID, status: FollowUp.Status, doneAt: Date?,
                doneByID: User.ID?, version: Int64) {
        self.id = id; self.clientID = clientID; self.draft = draft; self.createdBy = createdBy; self.status = status
        self.doneAt = doneAt; self.doneByID = doneByID; self.version = version
    }
}

/// What a person writes on an activity.
public struct ActivityDraft: Hashable, Sendable {
    public var contactID: Contact.ID?
    public var categoryID: ActivityCategory.ID?
    public var projectID: Project.ID?
    /// The user the activity belongs to: its owner for the access levels.
    public var userID: User.ID
    public var detail: String
    public var at: Date

    public init(contactID: Contact.ID? = nil, categoryID: ActivityCategory.ID? = nil, projectID: Project.ID? = nil,
                userID: User.ID, detail: String, at: Date) {
        self.contactID = contactID; self.categoryID = categoryID; self.projectID = projectID; self.userID = userID; self.detail = detail; self.at = at
    }

    /// Trimmed and checked, also reporting `parseErrors` (fields a form or JSON could not read).
    public func validated(after parseErrors: [FieldError] = []) throws(ValidationFailure) -> ActivityDraft {
        var v = Validator()
        var out = self
        out.detail = v.text("detail", detail, required: true, maxLength: 4000) ?? ""
        let errors = parseErrors + v.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return out
    }
}
