import Foundation

/// What a company sells (seed 003): a sales project (a building, a dealer's
/// line) with its stages, their subgroups and the products offered. Named
/// apart from the client work projects of the engagement area.
public struct SalesProject: Hashable, Sendable {
    public typealias ID = EntityID<SalesProject>

    /// Who gets a lead that arrives without a responsible.
    public enum Assignment: String, Sendable, CaseIterable, Codable {
        /// The project's sellers in turn, by user number.
        case roundRobin = "round_robin"
        /// Always the project's fixed responsible.
        case fixed
    }

    public let id: ID
    public let name: String
    public let active: Bool
    public let assignment: Assignment
    public let fixedResponsibleID: User.ID?
    public let version: Int64

    public init(id: ID, name: String, active: Bool, assignment: Assignment, fixedResponsibleID: User.ID?, version: Int64) {
        self.id = id; self.name = name; self.active = active; self.assignment = assignment
        self.fixedResponsibleID = fixedResponsibleID; self.version = version
    }
}

/// A stage of a sales project (a tower, a release) or a subgroup of a stage.
public struct SalesStage: Hashable, Sendable {
    public typealias ID = EntityID<SalesStage>
    public let id: ID
    public let projectID: SalesProject.ID
    public let name: String
    public let active: Bool
    public let version: Int64
    public init(id: ID, projectID: SalesProject.ID, name: String, active: Bool, version: Int64) {
        self.id = id; self.projectID = projectID; self.name = name; self.active = active; self.version = version
    }
}

public struct SalesSubgroup: Hashable, Sendable {
    public typealias ID = EntityID<SalesSubgroup>
    public let id: ID
    public let stageID: SalesStage.ID
    public let name: String
    public let active: Bool
    public let version: Int64
    public init(id: ID, stageID: SalesStage.ID, name: String, active: Bool, version: Int64) {
        self.id = id; self.stageID = stageID; self.name = name; self.active = active; self.version = version
    }
}

/// A unit, product or model offered in a project, optionally within one subgroup.
public struct SalesProduct: Hashable, Sendable {
    public typealias ID = EntityID<SalesProduct>
    public let id: ID
    public let projectID: SalesProject.ID
    public let subgroupID: SalesSubgroup.ID?
    public let name: String
    public let model: String?
    public let active: Bool
    public let version: Int64
    public init(id: ID, projectID: SalesProject.ID, subgroupID: SalesSubgroup.ID?, name: String, model: String?, active: Bool, version: Int64) {
        self.id = id; self.projectID = projectID; self.subgroupID = subgroupID; self.name = name; self.model = model
        self.active = active; self.version = version
    }
}

/// A user working a project: managers see every lead of it, sellers take leads in turn.
public struct SalesProjectMember: Hashable, Sendable {
    public enum Role: String, Sendable, CaseIterable, Codable { case manager, seller }
    public let projectID: SalesProject.ID
    public let userID: User.ID
    public let role: Role
    public init(projectID: SalesProject.ID, userID: User.ID, role: Role) { self.projectID = projectID; self.userID = userID; self.role = role }
}

/// Where a lead came from ("medio de llegada"), counted by its category.
public struct SalesChannel: Hashable, Sendable {
    public typealias ID = EntityID<SalesChannel>
    public enum Category: String, Sendable, CaseIterable, Codable { case portals, web, social, other }
    public let id: ID
    public let name: String
    public let category: Category
    public let active: Bool
    public let version: Int64
    public init(id: ID, name: String, category: Category, active: Bool, version: Int64) {
        self.id = id; self.name = name; self.category = category; self.active = active; self.version = version
    }
}

/// A status of a reservation (issued, approved, cancelled…), a catalogue in display order.
public struct ReservationStatus: Hashable, Sendable {
    public typealias ID = EntityID<ReservationStatus>
    public let id: ID
    public let name: String
    public let active: Bool
    public let version: Int64
    public init(id: ID, name: String, active: Bool, version: Int64) { self.id = id; self.name = name; self.active = active; self.version = version }
}

/// A commercial-preference question of the lead survey.
public struct SurveyQuestion: Hashable, Sendable {
    public typealias ID = EntityID<SurveyQuestion>
    public let id: ID
    public let text: String
    public let active: Bool
    public let version: Int64
    public init(id: ID, text: String, active: Bool, version: Int64) { self.id = id; self.text = text; self.active = active; self.version = version }
}

/// The company's funnel settings.
public struct SalesSettings: Hashable, Sendable {
    /// Hours after entry within which a lead or quote must be contacted.
    public var contactDeadlineHours: Int
    /// The video-call address, with `{room}` where a unique room name goes
    /// (e.g. `https://meet.jit.si/{room}`); nil hides the action.
    public var videoURLTemplate: String?
    public var version: Int64

    public init(contactDeadlineHours: Int = 48, videoURLTemplate: String? = nil, version: Int64 = 1) {
        self.contactDeadlineHours = contactDeadlineHours; self.videoURLTemplate = videoURLTemplate; self.version = version
    }

    public func validated() throws(ValidationFailure) -> SalesSettings {
        var v = Validator()
        var out = self
        if !(1...8760).contains(contactDeadlineHours) { v.add("contactDeadlineHours", "out_of_range", ["1", "8760"]) }
        out.videoURLTemplate = v.text("videoUrlTemplate", videoURLTemplate, maxLength: 500)
        if let template = out.videoURLTemplate,
           !template.contains("{room}") || !Contactability.isWebURL(template.replacingOccurrences(of: "{room}", with: "room")) {
            v.add("videoUrlTemplate", "invalid_room_template")
        }
        try v.check()
        return out
    }

    /// The video-call address for a room, or nil when none is configured.
    public func videoURL(room: String) -> String? {
        videoURLTemplate?.replacingOccurrences(of: "{room}", with: room)
    }
}
