import Foundation

/// A postal address.
public struct Address: Hashable, Sendable, Codable {
    public var street: String?
    public var number: String?
    public var city: String?
    public var state: String?
    public var postalCode: String?
    public var country: String?

    public init(street: String? = nil, number: String? = nil, city: String? = nil, state: String? = nil,
                postalCode: String? = nil, country: String? = nil) {
        self.street = street; self.number = number; self.city = city; self.state = state
        self.postalCode = postalCode; self.country = country
    }

    /// "Av. Corrientes 1234, Buenos Aires, CABA".
    public var oneLine: String {
        let streetLine = [street, number].compactMap { $0 }.joined(separator: " ")
        return [streetLine, city, state, postalCode, country].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
    }
}

/// A client of the company: the centre of the portfolio.
public struct Client: Hashable, Sendable, Codable {
    public typealias ID = EntityID<Client>
    public var id: ID
    /// Consecutive per company, never reused.
    public var clientNumber: Int64
    public var draft: ClientDraft
    public var archived: Bool
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
    /// The latest visit (a finished work order or a saved form), kept on the client for the maps
    /// and the card; not an edit, so it does not change the version.
    public var lastVisitAt: Date?

    public init(id: ID, clientNumber: Int64, draft: ClientDraft, archived: Bool, version: Int64, createdAt: Date, updatedAt: Date,
                lastVisitAt: Date? = nil) {
        self.id = id; self.clientNumber = clientNumber; self.draft = draft; self.archived = archived
        self.version = version; self.createdAt = createdAt; self.updatedAt = updatedAt; self.lastVisitAt = lastVisitAt
    }

    /// The name people use: the trade name when there is one.
    public var displayName: String { draft.tradeName ?? draft.legalName }
}

/// Every editable field of a client, already parsed; ``validate(customFields:)``
/// checks it before any write.
public struct ClientDraft: Hashable, Sendable, Codable {
    public var legalName: String
    public var tradeName: String?
    public var taxID: String?
    public var taxIDKind: TaxIDKind?
    public var clientTypeID: ClientType.ID?
    public var clientGroupID: ClientGroup.ID?
    public var branchID: Branch.ID?
    public var salesAgentID: User.ID?
    public var collectorID: User.ID?
    public var address: Address
    public var latitude: Double?
    public var longitude: Double?
    public var emails: [String]
    public var phones: [String]
    public var description: String?
    public var customFields: [String: CustomFieldValue]

    public init(legalName: String = "", tradeName: String? = nil, taxID: String? = nil, taxIDKind: TaxIDKind? = nil,
                clientTypeID: ClientType.ID? = nil, clientGroupID: ClientGroup.ID? = nil, branchID: Branch.ID? = nil,
                salesAgentID: User.ID? = nil, collectorID: User.ID? = nil, address: Address = Address(),
                latitude: Double? = nil, longitude: Double? = nil, emails: [String] = [], phones: [String] = [],
                description: String? = nil, customFields: [String: CustomFieldValue] = [:]) {
        self.legalName = legalName; self.tradeName = tradeName; self.taxID = taxID; self.taxIDKind = taxIDKind
        self.clientTypeID = clientTypeID; self.clientGroupID = clientGroupID; self.branchID = branchID
        self.salesAgentID = salesAgentID; self.collectorID = collectorID; self.address = address
        self.latitude = latitude; self.longitude = longitude; self.emails = emails; self.phones = phones
        self.description = description; self.customFields = customFields
    }

    /// Trims text, drops empty entries, lower-cases e-mails and checks every
    /// field against its rule and the active custom field definitions.
    public func validated(customFields definitions: [CustomFieldDefinition]) throws(ValidationFailure) -> ClientDraft {
        var v = Validator()
        var out = self
        out.legalName = v.text("legalName", legalName, required: true, maxLength: 200) ?? ""
        out.tradeName = v.text("tradeName", tradeName, maxLength: 200)
        out.taxID = v.text("taxId", taxID, maxLength: 30)
        if let taxID = out.taxID {
            let kind = taxIDKind ?? .other
            out.taxIDKind = kind
            if !kind.isPlausible(taxID) { v.add("taxId", "invalid_tax_id", [kind.rawValue]) }
        } else {
            out.taxIDKind = nil
        }
        out.address = Address(
            street: v.text("address.street", address.street, maxLength: 200),
            number: v.text("address.number", address.number, maxLength: 20),
            city: v.text("address.city", address.city, maxLength: 100),
            state: v.text("address.state", address.state, maxLength: 100),
            postalCode: v.text("address.postalCode", address.postalCode, maxLength: 20),
            country: v.text("address.country", address.country, maxLength: 2).map { $0.uppercased() })
        if let lat = latitude, !(-90...90).contains(lat) || !lat.isFinite { v.add("latitude", "out_of_range", ["-90", "90"]) }
        if let lon = longitude, !(-180...180).contains(lon) || !lon.isFinite { v.add("longitude", "out_of_range", ["-180", "180"]) }
        if (latitude == nil) != (longitude == nil) { v.add(latitude == nil ? "latitude" : "longitude", "required") }
        out.emails = emails.map { $0.trimmed.lowercased() }.filter { !$0.isEmpty }
        if out.emails.count > 10 { v.add("emails", "too_many", ["10"]) }
        for email in out.emails where !Contactability.isEmail(email) { v.add("emails", "invalid_email"); break }
        out.phones = phones.map(\.trimmed).filter { !$0.isEmpty }
        if out.phones.count > 10 { v.add("phones", "too_many", ["10"]) }
        for phone in out.phones where !Contactability.isPhone(phone) { v.add("phones", "invalid_phone"); break }
        out.description = v.text("description", description, maxLength: 5000)
        out.customFields = Self.validate(customFields, definitions: definitions, into: &v)
        try v.check()
        return out
    }

    /// Keeps values of hidden (inactive) fields untouched; validates active ones.
    static func validate(_ values: [String: CustomFieldValue], definitions: [CustomFieldDefinition],
                         into v: inout Validator) -> [String: CustomFieldValue] {
        var out: [String: CustomFieldValue] = [:]
        let known = Dictionary(uniqueKeysWithValues: definitions.map { ($0.key, $0) })
        for (key, value) in values {
            guard let definition = known[key] else { v.add("customFields.\(key)", "unknown_field"); continue }
            if !definition.active { out[key] = value }
        }
        for definition in definitions where definition.active {
            if let parsed = definition.parse(values[definition.key]?.displayText, into: &v) {
                out[definition.key] = parsed
            }
        }
        return out
    }

    /// The words quick search finds the client by (DESIGN.md "Search"): its number, then `searchWordsButNumber`.
    public func searchWords(clientNumber: Int64, definitions: [CustomFieldDefinition]) -> String {
        Self.searchWords(clientNumber: clientNumber, then: searchWordsButNumber(definitions: definitions))
    }

    /// The search words that do not depend on the client number, which bulk writers
    /// only learn inside their transaction.
    public func searchWordsButNumber(definitions: [CustomFieldDefinition]) -> String {
        var parts = [legalName, tradeName ?? "", description ?? "", taxID ?? ""]
        parts += emails
        for definition in definitions where [.text, .longText, .email, .choice].contains(definition.type) {
            if case .text(let s)? = customFields[definition.key] { parts.append(s) }
        }
        return Normalization.searchKey(parts.joined(separator: " "))
    }

    /// The number's digits are a word of their own, so the search key of the number
    /// followed by the other words is the two keys joined by a space.
    public static func searchWords(clientNumber: Int64, then words: String) -> String {
        words.isEmpty ? String(clientNumber) : "\(clientNumber) \(words)"
    }

    /// Digit runs of phones and tax ids, space-separated, for substring search.
    public var searchDigits: String {
        (phones + [taxID ?? ""]).map(Normalization.digits).filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// A person at a client, with their own consecutive contact key.
public struct Contact: Hashable, Sendable, Codable {
    public typealias ID = EntityID<Contact>
    public var id: ID
    public var contactKey: Int64
    public var clientID: Client.ID
    public var name: String
    public var role: String?
    public var email: String?
    public var phone: String?
    public var archived: Bool
    public var version: Int64

    public init(id: ID, contactKey: Int64, clientID: Client.ID, name: String, role: String?, email: String?,
                phone: String?, archived: Bool, version: Int64) {
        self.id = id; self.contactKey = contactKey; self.clientID = clientID; self.name = name; self.role = role
        self.email = email; self.phone = phone; self.archived = archived; self.version = version
    }

    /// Validates a contact's editable fields.
    public static func validate(name: String?, role: String?, email: String?, phone: String?) throws(ValidationFailure)
        -> (name: String, role: String?, email: String?, phone: String?) {
        var v = Validator()
        let name = v.text("name", name, required: true, maxLength: 200) ?? ""
        let role = v.text("role", role, maxLength: 100)
        let email = v.text("email", email, maxLength: 254)?.lowercased()
        if let email, !Contactability.isEmail(email) { v.add("email", "invalid_email") }
        let phone = v.text("phone", phone, maxLength: 40)
        if let phone, !Contactability.isPhone(phone) { v.add("phone", "invalid_phone") }
        try v.check()
        return (name, role, email, phone)
    }
}
