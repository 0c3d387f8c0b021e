/// A client field a spreadsheet column can fill.
public enum ClientImportField: Hashable, Sendable {
    case clientNumber, legalName, tradeName, taxID, taxIDKind, clientType, clientGroup, branch, salesAgent, collector
    case street, number, city, state, postalCode, country, latitude, longitude, emails, phones, description
    case customField(String)

    /// Built-in fields by their stable key (what a header may say verbatim).
    public static let builtIn: [String: ClientImportField] = [
        "clientNumber": .clientNumber, "legalName": .legalName, "tradeName": .tradeName, "taxId": .taxID,
        "taxIdKind": .taxIDKind, "clientType": .clientType, "clientGroup": .clientGroup, "branch": .branch,
        "salesAgent": .salesAgent, "collector": .collector, "street": .street, "number": .number, "city": .city,
        "state": .state, "postalCode": .postalCode, "country": .country, "latitude": .latitude, "longitude": .longitude,
        "emails": .emails, "phones": .phones, "description": .description,
    ]

    /// The field name validation errors use, so a refused value points at its column.
    public var validationField: String {
        switch self {
        case .clientNumber: "clientNumber"
        case .legalName: "legalName"
        case .tradeName: "tradeName"
        case .taxID: "taxId"
        case .taxIDKind: "taxIdKind"
        case .clientType: "clientTypeId"
        case .clientGroup: "clientGroupId"
        case .branch: "branchId"
        case .salesAgent: "salesAgentId"
        case .collector: "collectorId"
        case .street, .number, .city, .state, .postalCode, .country: "address.\(Self.addressKey(self))"
        case .latitude: "latitude"
        case .longitude: "longitude"
        case .emails: "emails"
        case .phones: "phones"
        case .description: "description"
        case .customField(let key): "customFields.\(key)"
        }
    }

    static func addressKey(_ field: Self) -> String {
        switch field {
        case .street: "street"
        case .number: "number"
        case .city: "city"
        case .state: "state"
        case .postalCode: "postalCode"
        default: "country"
        }
    }

    /// Matches a header row to fields (see ``HeaderMatching``).
    public static func match(headers: [String], aliases: [String: ClientImportField])
        -> (mapping: [Int: ClientImportField], unknown: [String]) {
        HeaderMatching.match(headers: headers, aliases: aliases)
    }
}
