import Foundation

/// How a person reached the company ("tipo de ingreso", seed 003).
public enum EntryType: String, Sendable, CaseIterable, Codable {
    /// Walked into the sales room or started a quote there.
    case salesRoom = "sales_room"
    /// Digital channels (social networks, portals) and manual entry.
    case centraliser
    /// The web quoter and the API.
    case web
}

/// What an interaction was. The first five are the funnel's milestones, in order.
public enum InteractionKind: String, Sendable, CaseIterable, Codable, Comparable {
    case lead, quote, reservation, contract, disbursement
    case followUp = "follow_up"

    /// Where it stands in the funnel; a follow-up moves nothing.
    public var rank: Int {
        switch self {
        case .followUp, .lead: 0
        case .quote: 1
        case .reservation: 2
        case .contract: 3
        case .disbursement: 4
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    /// What an integration may post to the intake (follow-ups are a salesperson's act on a lead).
    public static let intake: [InteractionKind] = [.lead, .quote, .reservation, .contract, .disbursement]
}

/// The funnel's phases: contracts and disbursements are drawn as one.
public enum FunnelPhase: String, Sendable, CaseIterable, Codable {
    case lead, quote, reservation, contract

    public init(_ kind: InteractionKind) {
        switch kind {
        case .lead, .followUp: self = .lead
        case .quote: self = .quote
        case .reservation: self = .reservation
        case .contract, .disbursement: self = .contract
        }
    }

    /// The interaction kinds whose records this phase counts (leads count lead files instead).
    public var kinds: [InteractionKind] {
        switch self {
        case .lead: [.lead]
        case .quote: [.quote]
        case .reservation: [.reservation]
        case .contract: [.contract, .disbursement]
        }
    }
}

/// Whether a salesperson is still working a lead.
public enum LeadState: String, Sendable, CaseIterable, Codable {
    case open
    /// Declined by the salesperson ("abortado"), with a reason.
    case aborted
    /// Dropped for want of a way to reach the person ("descartado"), with a reason and comment.
    case discarded
}

public enum ContactType: String, Sendable, CaseIterable, Codable { case phone, email, whatsapp, visit, video, other }

public enum Expectation: String, Sendable, CaseIterable, Codable { case high, medium, low }

/// How reachable a lead is, by what is known of the person (seed 003's
/// "estado de contacto"), decided by one rule:
/// - good: a national id and a valid phone or e-mail — enough to quote;
/// - with problems: a valid phone or e-mail but no national id — can be reached, not quoted;
/// - bad: neither a valid phone nor a valid e-mail — no way to reach them.
public enum ContactQuality: String, Sendable, CaseIterable, Codable {
    case good, problems, bad

    public init(nationalID: String?, phones: [String], emails: [String]) {
        let reachable = phones.contains(where: Contactability.isPhone) || emails.contains(where: Contactability.isEmail)
        let identified = !(nationalID ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        self = !reachable ? .bad : identified ? .good : .problems
    }
}

/// A lead file: one person's way through one sales project, from the
/// interaction that opened it to the furthest phase it reached. A person
/// who already reserved and quotes again opens a new one (seed 003).
public struct Lead: Hashable, Sendable {
    public typealias ID = EntityID<Lead>
    public let id: ID
    public let clientID: Client.ID
    public let projectID: SalesProject.ID
    public let stageID: SalesStage.ID?
    public let subgroupID: SalesSubgroup.ID?
    public let responsibleID: User.ID
    public let entryType: EntryType
    public let channelID: SalesChannel.ID?
    /// The furthest milestone reached.
    public let phase: InteractionKind
    public let state: LeadState
    public let reason: String?
    public let comment: String?
    public let enteredAt: Date
    public let lastContactAt: Date?
    public let lastInteractionAt: Date
    public let version: Int64

    public init(id: ID, clientID: Client.ID, projectID: SalesProject.ID, stageID: SalesStage.ID?, subgroupID: SalesSubgroup.ID?,
                responsibleID: User.ID, entryType: EntryType, channelID: SalesChannel.ID?, phase: InteractionKind, state: LeadState,
                reason: String?, comment: String?, enteredAt: Date, lastContactAt: Date?, lastInteractionAt: Date,
                version: Int64) {
        self.id = id; self.clientID = clientID; self.projectID = projectID; self.stageID = stageID; self.subgroupID = subgroupID
        self.responsibleID = responsibleID; self.entryType = entryType; self.channelID = channelID; self.phase = phase; self.state = state
        self.reason = reason; self.comment = comment; self.enteredAt = enteredAt
        self.lastContactAt = lastContactAt; self.lastInteractionAt = lastInteractionAt; self.version = version
    }

    /// When it must be contacted by, under the company's deadline (which applies to old leads too when changed).
    public func contactDeadline(hours: Int) -> Date { enteredAt.addingTimeInterval(Double(hours) * 3600) }

    /// Whether a new interaction of `kind` opens a new lead file instead of joining this one:
    /// a lead or quote after a reservation (or after the file was aborted or discarded) starts over.
    public func startsOver(with kind: InteractionKind) -> Bool {
        guard kind == .lead || kind == .quote else { return false }
        return phase >= .reservation || state != .open
    }
}

/// The person of a lead as an integration or a salesperson gives it.
public struct LeadPerson: Hashable, Sendable {
    public var name: String
    public var nationalID: String?
    public var nationalIDKind: TaxIDKind?
    public var email: String?
    public var phone: String?

    public init(name: String, nationalID: String? = nil, nationalIDKind: TaxIDKind? = nil, email: String? = nil, phone: String? = nil) {
        self.name = name; self.nationalID = nationalID; self.nationalIDKind = nationalIDKind; self.email = email; self.phone = phone
    }

    public func validated() throws(ValidationFailure) -> LeadPerson {
        var v = Validator()
        var out = self
        out.validate(&v)
        try v.check()
        return out
    }

    mutating func validate(_ v: inout Validator) {
        name = v.text("name", name, required: true, maxLength: 200) ?? ""
        nationalID = v.text("nationalId", nationalID, maxLength: 40)
        if let id = nationalID, let kind = nationalIDKind, !kind.isPlausible(id) { v.add("nationalId", "invalid_tax_id", [kind.rawValue]) }
        email = v.text("email", email, maxLength: 254)?.lowercased()
        if let email, !Contactability.isEmail(email) { v.add("email", "invalid_email") }
        phone = v.text("phone", phone, maxLength: 40)
        if let phone, !Contactability.isPhone(phone) { v.add("phone", "invalid_phone") }
    }
}

/// One interaction as it arrives: the person, what they were interested in, how they came, what happened.
public struct InteractionDraft: Hashable, Sendable {
    public var person: LeadPerson
    public var projectID: SalesProject.ID
    public var stageID: SalesStage.ID?
    public var subgroupID: SalesSubgroup.ID?
    public var productID: SalesProduct.ID?
    public var entryType: EntryType
    public var channelID: SalesChannel.ID?
    public var contactType: ContactType?
    public var expectation: Expectation?
    public var kind: InteractionKind
    public var reservationStatusID: ReservationStatus.ID?
    public var comment: String?
    /// When it happened; now when not given.
    public var occurredAt: Date?
    /// A responsible chosen by hand; otherwise the file's or the project's rule decides.
    public var responsibleID: User.ID?

    public init(person: LeadPerson, projectID: SalesProject.ID, stageID: SalesStage.ID? = nil, subgroupID: SalesSubgroup.ID? = nil,
                productID: SalesProduct.ID? = nil, entryType: EntryType, channelID: SalesChannel.ID? = nil, contactType: ContactType? = nil,
                expectation: Expectation? = nil, kind: InteractionKind = .lead, reservationStatusID: ReservationStatus.ID? = nil,
                comment: String? = nil, occurredAt: Date? = nil, responsibleID: User.ID? = nil) {
        self.person = person; self.projectID = projectID; self.stageID = stageID; self.subgroupID = subgroupID; self.productID = productID
        self.entryType = entryType; self.channelID = channelID; self.contactType = contactType; self.expectation = expectation
        self.kind = kind; self.reservationStatusID = reservationStatusID; self.comment = comment; self.occurredAt = occurredAt
        self.responsibleID = responsibleID
    }

    /// Trimmed and checked; every invalid field at once. `now` bounds the date (no future interactions).
    public func validated(now: Date, after parseErrors: [FieldError] = []) throws(ValidationFailure) -> InteractionDraft {
        var v = Validator()
        var out = self
        out.person.validate(&v)
        out.comment = v.text("comment", comment, maxLength: 4000)
        if !InteractionKind.intake.contains(kind) { v.add("kind", "invalid_choice") }
        if kind != .reservation, reservationStatusID != nil { v.add("reservationStatusId", "invalid_choice") }
        if let at = occurredAt, at > now.addingTimeInterval(300) { v.add("occurredAt", "in_the_future") }
        let errors = parseErrors + v.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return out
    }
}
