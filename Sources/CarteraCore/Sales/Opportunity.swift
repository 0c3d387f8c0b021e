import Foundation

/// An opportunity (seed 001, "Módulo de Oportunidades"): a chance to sell or
/// serve a client, worked by an agent through its statuses, each step with its
/// comment in the opportunity's history.
public struct Opportunity: Hashable, Sendable {
    public typealias ID = EntityID<Opportunity>

    /// New → Waiting (with the next contact date) / Working → Closed (invoice) / Lost (why, what to improve).
    public enum Status: String, Sendable, CaseIterable, Codable {
        case new, waiting, working, closed, lost

        /// Closed and lost opportunities take no more steps.
        public var isFinal: Bool { self == .closed || self == .lost }
    }

    public let id: ID
    public let clientID: Client.ID
    public let draft: OpportunityDraft
    /// Who created it: the owner for the access levels (the agent sees it too).
    public let ownerID: User.ID
    public let status: Status
    /// While waiting: when the agent will contact the client again.
    public let nextContactOn: CalendarDate?
    public let invoiceNumber: String?
    public let version: Int64
    public let createdAt: Date

    public init(id: ID, clientID: Client.ID, draft: OpportunityDraft, ownerID: User.ID, status: Status, nextContactOn: CalendarDate?,
                invoiceNumber: String?, version: Int64, createdAt: Date) {
        self.id = id; self.clientID = clientID; self.draft = draft; self.ownerID = ownerID; self.status = status
        self.nextContactOn = nextContactOn; self.invoiceNumber = invoiceNumber; self.version = version; self.createdAt = createdAt
    }
}

/// What a person writes when opening an opportunity.
public struct OpportunityDraft: Hashable, Sendable {
    public var contactID: Contact.ID?
    public var typeID: OpportunityType.ID?
    /// The agent it is assigned to.
    public var agentID: User.ID
    public var subject: String
    public var observations: String?
    /// "¿Cómo nos conoció?"
    public var heardFrom: String?

    public init(contactID: Contact.ID? = nil, typeID: OpportunityType.ID? = nil, agentID: User.ID, subject: String,
                observations: String? = nil, heardFrom: String? = nil) {
        self.contactID = contactID; self.typeID = typeID; self.agentID = agentID; self.subject = subject
        self.observations = observations; self.heardFrom = heardFrom
    }

    public func validated(after parseErrors: [FieldError] = []) throws(ValidationFailure) -> OpportunityDraft {
        var v = Validator()
        var out = self
        out.subject = v.text("subject", subject, required: true, maxLength: 200) ?? ""
        out.observations = v.text("observations", observations, maxLength: 4000)
        out.heardFrom = v.text("heardFrom", heardFrom, maxLength: 200)
        let errors = parseErrors + v.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return out
    }
}

/// A kind of opportunity (a catalogue: sale, service, renewal…).
public struct OpportunityType: Hashable, Sendable {
    public typealias ID = EntityID<OpportunityType>
    public let id: ID
    public let name: String
    public let active: Bool
    public let version: Int64
    public init(id: ID, name: String, active: Bool, version: Int64) { self.id = id; self.name = name; self.active = active; self.version = version }
}

/// One step of an opportunity: the status it moves to and what that status asks for.
public struct OpportunityStep: Hashable, Sendable {
    public var to: Opportunity.Status
    public var comment: String?
    public var nextContactOn: CalendarDate?
    public var invoiceNumber: String?
    public var lostReason: String?
    public var improvement: String?

    public init(to: Opportunity.Status, comment: String? = nil, nextContactOn: CalendarDate? = nil, invoiceNumber: String? = nil,
                lostReason: String? = nil, improvement: String? = nil) {
        self.to = to; self.comment = comment; self.nextContactOn = nextContactOn; self.invoiceNumber = invoiceNumber
        self.lostReason = lostReason; self.improvement = improvement
    }

    /// The step checked against the status it leaves: nothing leaves closed or lost, nothing returns
    /// to new; waiting needs the next contact date (not in the past) and a comment; working needs the
    /// follow-up comment; closed needs the invoice number; lost needs why and what to improve.
    public func validated(from status: Opportunity.Status, today: CalendarDate) throws(ValidationFailure) -> OpportunityStep {
        var v = Validator()
        var out = OpportunityStep(to: to)
        if status.isFinal { v.add("status", "opportunity_final") }
        if to == .new { v.add("status", "invalid_choice") }
        out.comment = v.text("comment", comment, required: to == .waiting || to == .working, maxLength: 4000)
        switch to {
        case .waiting:
            if let date = nextContactOn {
                if date < today { v.add("nextContactOn", "in_the_past") }
                out.nextContactOn = date
            } else {
                v.add("nextContactOn", "required")
            }
        case .closed:
            out.invoiceNumber = v.text("invoiceNumber", invoiceNumber, required: true, maxLength: 60)
        case .lost:
            out.lostReason = v.text("lostReason", lostReason, required: true, maxLength: 2000)
            out.improvement = v.text("improvement", improvement, required: true, maxLength: 2000)
        case .new, .working:
            break
        }
        try v.check()
        return out
    }
}

/// A line of an opportunity's history.
public struct OpportunityEvent: Hashable, Sendable {
    public let status: Opportunity.Status
    public let step: OpportunityStep
    public let userID: User.ID
    public let userName: String
    public let at: Date

    public init(status: Opportunity.Status, step: OpportunityStep, userID: User.ID, userName: String, at: Date) {
        self.status = status; self.step = step; self.userID = userID; self.userName = userName; self.at = at
    }
}
