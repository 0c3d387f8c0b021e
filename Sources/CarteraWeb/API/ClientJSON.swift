import CarteraCore
import CarteraStore
import Foundation

/// A client as the API shows it (names follow the glossary, camelCase).
struct ClientJSON: Codable {
    struct AddressJSON: Codable {
        var street: String?, number: String?, city: String?, state: String?, postalCode: String?, country: String?
    }

    var id: Int64
    var clientNumber: Int64
    var legalName: String
    var tradeName: String?
    var taxId: String?
    var taxIdKind: String?
    var emails: [String]
    var phones: [String]
    var address: AddressJSON
    var latitude: Double?
    var longitude: Double?
    var clientTypeId: Int64?
    var clientGroupId: Int64?
    var branchId: Int64?
    var salesAgentId: Int64?
    var collectorId: Int64?
    var description: String?
    var customFields: [String: CustomFieldValue]
    var archived: Bool
    var version: Int64
    var createdAt: Date
    var updatedAt: Date

    init(_ c: Client) {
        let d = c.draft
        id = c.id.rawValue; clientNumber = c.clientNumber; legalName = d.legalName; tradeName = d.tradeName
        taxId = d.taxID; taxIdKind = d.taxIDKind?.rawValue; emails = d.emails; phones = d.phones
        address = AddressJSON(street: d.address.street, number: d.address.number, city: d.address.city,
                              state: d.address.state, postalCode: d.address.postalCode, country: d.address.country)
        latitude = d.latitude; longitude = d.longitude; clientTypeId = d.clientTypeID?.rawValue
        clientGroupId = d.clientGroupID?.rawValue; branchId = d.branchID?.rawValue; salesAgentId = d.salesAgentID?.rawValue
        collectorId = d.collectorID?.rawValue; description = d.description; customFields = d.customFields
        archived = c.archived; version = c.version; createdAt = c.createdAt; updatedAt = c.updatedAt
    }

    /// Every member is present, `null` when empty: integrations see the whole shape.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(clientNumber, forKey: .clientNumber)
        try c.encode(legalName, forKey: .legalName); try c.encode(tradeName, forKey: .tradeName)
        try c.encode(taxId, forKey: .taxId); try c.encode(taxIdKind, forKey: .taxIdKind)
        try c.encode(emails, forKey: .emails); try c.encode(phones, forKey: .phones); try c.encode(address, forKey: .address)
        try c.encode(latitude, forKey: .latitude); try c.encode(longitude, forKey: .longitude)
        try c.encode(clientTypeId, forKey: .clientTypeId); try c.encode(clientGroupId, forKey: .clientGroupId)
        try c.encode(branchId, forKey: .branchId); try c.encode(salesAgentId, forKey: .salesAgentId)
        try c.encode(collectorId, forKey: .collectorId); try c.encode(description, forKey: .description)
        try c.encode(customFields, forKey: .customFields); try c.encode(archived, forKey: .archived)
        try c.encode(version, forKey: .version); try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

/// A page of a list: `{"items": [...], "nextCursor": "…" | null}`.
struct ListPage<Item: Encodable>: Encodable {
    let items: [Item]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey { case items, nextCursor }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}

/// The writable fields of a client, as sent on create or produced by a merge patch.
struct ClientInput: Decodable {
    var legalName: String?
    var tradeName: String?
    var taxId: String?
    var taxIdKind: String?
    var emails: [String]?
    var phones: [String]?
    var address: ClientJSON.AddressJSON?
    var latitude: Double?
    var longitude: Double?
    var clientTypeId: Int64?
    var clientGroupId: Int64?
    var branchId: Int64?
    var salesAgentId: Int64?
    var collectorId: Int64?
    var description: String?
    var customFields: [String: CustomFieldValue?]?

    static let writable: Set<String> = ["legalName", "tradeName", "taxId", "taxIdKind", "emails", "phones", "address",
                                        "latitude", "longitude", "clientTypeId", "clientGroupId", "branchId", "salesAgentId",
                                        "collectorId", "description", "customFields"]

    func draft() throws(ValidationFailure) -> ClientDraft {
        var kind: TaxIDKind?
        if let raw = taxIdKind {
            kind = TaxIDKind(rawValue: raw.uppercased())
            if kind == nil { throw ValidationFailure([FieldError("taxIdKind", "invalid_choice")]) }
        }
        let a = address ?? .init()
        return ClientDraft(
            legalName: legalName ?? "", tradeName: tradeName, taxID: taxId, taxIDKind: kind,
            clientTypeID: clientTypeId.map(ClientType.ID.init), clientGroupID: clientGroupId.map(ClientGroup.ID.init),
            branchID: branchId.map(Branch.ID.init), salesAgentID: salesAgentId.map(User.ID.init),
            collectorID: collectorId.map(User.ID.init),
            address: Address(street: a.street, number: a.number, city: a.city, state: a.state, postalCode: a.postalCode,
                             country: a.country),
            latitude: latitude, longitude: longitude, emails: emails ?? [], phones: phones ?? [], description: description,
            customFields: (customFields ?? [:]).compactMapValues { $0 })
    }
}

/// RFC 7396 JSON merge patch: present members replace, `null` removes,
/// objects merge recursively (so `customFields` merges per key), arrays replace whole.
enum MergePatch {
    static func apply(_ patch: Any, to target: Any?) -> Any? {
        guard let patch = patch as? [String: Any] else { return patch is NSNull ? nil : patch }
        var result = (target as? [String: Any]) ?? [:]
        for (key, value) in patch {
            if value is NSNull { result.removeValue(forKey: key) }
            else { result[key] = apply(value, to: result[key]) }
        }
        return result
    }
}

/// Decodes JSON and names the field of a type mismatch, for a 422 answer.
enum JSONInput {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try refuseNul(data)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            let path: [any CodingKey]
            switch error {
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
            case .keyNotFound(let key, let c): path = c.codingPath + [key]
            @unknown default: path = []
            }
            let field = path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            if field.isEmpty { throw ValidationFailure([FieldError("body", "invalid_json")]) }
            throw ValidationFailure([FieldError(field, "invalid_type")])
        }
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try refuseNul(data)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ValidationFailure([FieldError("body", "invalid_json")])
        }
        return object
    }
}

extension JSONInput {
    private static let nulEscape = Data("\\u0000".utf8)

    /// A string holding U+0000 (written `\u0000`) is refused, naming its field: PostgreSQL's text
    /// cannot hold it (the statement failed, a 500), SQLite's C strings end at it. Only a body that
    /// has the escape at all is parsed for where it is.
    static func refuseNul(_ data: Data) throws {
        guard data.firstRange(of: nulEscape) != nil,
              let value = try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed),
              let path = nulPath(value) else { return }
        throw ValidationFailure([FieldError(path.isEmpty ? "body" : path.joined(separator: "."), "invalid_character")])
    }

    /// Where the first string holding U+0000 is, as keys and indexes; a key holding one names its object.
    private static func nulPath(_ value: Any) -> [String]? {
        switch value {
        case let text as String:
            return text.contains("\0") ? [] : nil
        case let object as [String: Any]:
            for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                if key.contains("\0") { return [] }
                if let path = nulPath(member) { return [key] + path }
            }
            return nil
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let path = nulPath(element) { return [String(index)] + path }
            }
            return nil
        default:
            return nil
        }
    }
}

/// Instants in API bodies and queries: RFC 3339, with or without fractional seconds.
enum RFC3339 {
    static func date(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return plain.date(from: text) ?? fractional.date(from: text)
    }
}
