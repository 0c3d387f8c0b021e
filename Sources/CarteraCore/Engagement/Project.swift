import Foundation

/// A client project (seed 001, "Proyectos"): what a set of activities (and,
/// later, work orders) belongs to.
public struct Project: Hashable, Sendable {
    public typealias ID = EntityID<Project>
    public let id: ID
    /// Consecutive, never reused.
    public let projectKey: Int64
    public let clientID: Client.ID
    public let draft: ProjectDraft
    public let version: Int64

    public init(id: ID, projectKey: Int64, clientID: Client.ID, draft: ProjectDraft, version: Int64) {
        self.id = id; self.projectKey = projectKey; self.clientID = clientID; self.draft = draft; self.version = version
    }
}

public struct ProjectDraft: Hashable, Sendable {
    public var name: String
    public var startsOn: CalendarDate?
    public var targetOn: CalendarDate?
    /// The user in charge.
    public var managerID: User.ID?
    public var contactID: Contact.ID?
    public var closed: Bool

    public init(name: String, startsOn: CalendarDate? = nil, targetOn: CalendarDate? = nil, managerID: User.ID? = nil,
                contactID: Contact.ID? = nil, closed: Bool = false) {
        self.name = name; self.startsOn = startsOn; self.targetOn = targetOn; self.managerID = managerID
        self.contactID = contactID; self.closed = closed
    }

    /// Checked, also reporting `parseErrors`; the target cannot come before the start.
    public func validated(after parseErrors: [FieldError] = []) throws(ValidationFailure) -> ProjectDraft {
        var v = Validator()
        var out = self
        out.name = v.text("name", name, required: true, maxLength: 200) ?? ""
        if let start = startsOn, let target = targetOn, target < start { v.add("targetOn", "before_start") }
        let errors = parseErrors + v.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return out
    }
}
