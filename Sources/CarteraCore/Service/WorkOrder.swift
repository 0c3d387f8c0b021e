import Foundation

/// A work order ("orden de servicio", seed 001): work assigned to a user at a
/// client, worked through registered services, finished, then verified with
/// the customer or reopened.
public struct WorkOrder: Hashable, Sendable {
    public typealias ID = EntityID<WorkOrder>

    public enum Priority: String, Sendable, Codable, CaseIterable { case low, normal, high, urgent }

    /// open → in progress → finished → verified; a finished or verified order can be reopened.
    /// Cancelled: an unstarted order of a recurring rule that was edited or ended.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case open, inProgress = "in_progress", finished, verified, cancelled
    }

    public let id: ID
    /// Consecutive, never reused.
    public let orderNumber: Int64
    public let clientID: Client.ID
    public let draft: WorkOrderDraft
    /// Who created it: the owner for the access levels (the assignee sees it too).
    public let ownerID: User.ID
    public let status: Status
    public let finishedAt: Date?
    public let verification: Verification?
    /// The recurring rule that made it, if any.
    public let ruleID: RecurringOrderRule.ID?
    public let version: Int64
    public let createdAt: Date

    public init(id: ID, orderNumber: Int64, clientID: Client.ID, draft: WorkOrderDraft, ownerID: User.ID, status: Status,
                finishedAt: Date?, verification: Verification?, ruleID: RecurringOrderRule.ID?, version: Int64, createdAt: Date) {
        self.id = id; self.orderNumber = orderNumber; self.clientID = clientID; self.draft = draft; self.ownerID = ownerID
        self.status = status; self.finishedAt = finishedAt; self.verification = verification; self.ruleID = ruleID
        self.version = version; self.createdAt = createdAt
    }

    /// The customer's word on a finished order, the last time it was verified or reopened.
    public struct Verification: Hashable, Sendable {
        public let comments: String?
        public let rating: Int?
        public let at: Date
        public let byID: User.ID
        public init(comments: String?, rating: Int?, at: Date, byID: User.ID) {
            self.comments = comments; self.rating = rating; self.at = at; self.byID = byID
        }
    }
}

extension WorkOrder.Status {
    /// The status after a service is registered: the first one starts the order,
    /// one with "service finished" ticked finishes it. Nil: not allowed (closed orders take no services).
    public func afterService(finishing: Bool) -> Self? {
        switch self {
        case .open, .inProgress: finishing ? .finished : .inProgress
        case .finished: finishing ? .finished : .inProgress
        case .verified, .cancelled: nil
        }
    }

    /// Verifying needs a finished order; "closed" makes it verified, otherwise it is reopened.
    public func afterVerification(closed: Bool) -> Self? {
        switch self {
        case .finished: closed ? .verified : .inProgress
        case .verified: closed ? nil : .inProgress
        case .open, .inProgress, .cancelled: nil
        }
    }

    /// Orders still to be worked ("my orders"): not finished yet.
    public var isPending: Bool { self == .open || self == .inProgress }
}

/// What a person writes on a work order.
public struct WorkOrderDraft: Hashable, Sendable {
    public var contactID: Contact.ID?
    public var projectID: Project.ID?
    public var categoryID: ActivityCategory.ID?
    public var priority: WorkOrder.Priority
    public var assigneeID: User.ID?
    /// The appointment, an instant; `appointmentZone` is the zone it was set in, so its wall time can be shown as agreed.
    public var appointmentAt: Date?
    public var appointmentZone: String?
    public var description: String
    public var equipmentReceived: String?
    /// The client's assets the order involves.
    public var assetIDs: [Asset.ID]

    public init(contactID: Contact.ID? = nil, projectID: Project.ID? = nil, categoryID: ActivityCategory.ID? = nil,
                priority: WorkOrder.Priority = .normal, assigneeID: User.ID? = nil, appointmentAt: Date? = nil,
                appointmentZone: String? = nil, description: String, equipmentReceived: String? = nil, assetIDs: [Asset.ID] = []) {
        self.contactID = contactID; self.projectID = projectID; self.categoryID = categoryID; self.priority = priority
        self.assigneeID = assigneeID; self.appointmentAt = appointmentAt; self.appointmentZone = appointmentZone
        self.description = description; self.equipmentReceived = equipmentReceived; self.assetIDs = assetIDs
    }

    /// Trimmed and checked, also reporting `parseErrors` (fields a form or JSON could not read).
    public func validated(after parseErrors: [FieldError] = []) throws(ValidationFailure) -> WorkOrderDraft {
        var v = Validator()
        var out = self
        out.description = v.text("description", description, required: true, maxLength: 8000) ?? ""
        out.equipmentReceived = v.text("equipmentReceived", equipmentReceived, maxLength: 2000)
        if let zone = appointmentZone, TimeZone(identifier: zone) == nil { v.add("appointmentZone", "invalid_choice") }
        if appointmentAt == nil { out.appointmentZone = nil }
        out.assetIDs = Array(Set(assetIDs)).sorted { $0.rawValue < $1.rawValue }
        if out.assetIDs.count > 50 { v.add("assetIds", "too_many", ["50"]) }
        let errors = parseErrors + v.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return out
    }
}

/// A service registered against an order: who did what, when; "service finished" finishes the order.
public struct ServiceEntry: Hashable, Sendable {
    public typealias ID = EntityID<ServiceEntry>
    public let id: ID
    public let workOrderID: WorkOrder.ID
    public let userID: User.ID
    public let at: Date
    public let detail: String
    public let finishes: Bool

    public init(id: ID, workOrderID: WorkOrder.ID, userID: User.ID, at: Date, detail: String, finishes: Bool) {
        self.id = id; self.workOrderID = workOrderID; self.userID = userID; self.at = at; self.detail = detail; self.finishes = finishes
    }

    /// The detail as typed, checked.
    public static func validatedDetail(_ detail: String, after parseErrors: [FieldError] = []) throws(ValidationFailure) -> String {
        var v = Validator()
        let out = v.text("detail", detail, required: true, maxLength: 8000) ?? ""
        let errors = parseErrors + v.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return out
    }
}

/// What the verifier records with the customer: comments, a rating 1–5, closed or not (then reopened).
public struct VerificationDraft: Hashable, Sendable {
    public var comments: String?
    public var rating: Int?
    public var closed: Bool

    public init(comments: String?, rating: Int?, closed: Bool) {
        self.comments = comments; self.rating = rating; self.closed = closed
    }

    /// A reopened order needs the reason in the comments; a rating is 1–5.
    public func validated(after parseErrors: [FieldError] = []) throws(ValidationFailure) -> VerificationDraft {
        var v = Validator()
        var out = self
        out.comments = v.text("comments", comments, required: !closed, maxLength: 4000)
        if let rating, !(1...5).contains(rating) { v.add("rating", "out_of_range", ["1", "5"]) }
        let errors = parseErrors + v.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return out
    }
}
