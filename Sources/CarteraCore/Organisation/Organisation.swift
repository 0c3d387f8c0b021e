/// A company branch (sucursal).
public struct Branch: Hashable, Sendable, Codable {
    public typealias ID = EntityID<Branch>
    public var id: ID
    public var name: String
    public var active: Bool
    public var version: Int64
    public init(id: ID, name: String, active: Bool, version: Int64) {
        self.id = id; self.name = name; self.active = active; self.version = version
    }
}

/// A department (departamento).
public struct Department: Hashable, Sendable, Codable {
    public typealias ID = EntityID<Department>
    public var id: ID
    public var name: String
    public var active: Bool
    public var version: Int64
    public init(id: ID, name: String, active: Bool, version: Int64) {
        self.id = id; self.name = name; self.active = active; self.version = version
    }
}

/// The company's settings row: one company per database (DESIGN.md).
public struct Company: Hashable, Sendable, Codable {
    public var name: String
    public var country: String
    public var currency: String
    public var language: Language
    public var timeZone: String
    public var version: Int64
    public init(name: String, country: String, currency: String, language: Language, timeZone: String, version: Int64) {
        self.name = name; self.country = country; self.currency = currency
        self.language = language; self.timeZone = timeZone; self.version = version
    }
}

/// The languages Cartera speaks.
public enum Language: String, Sendable, Codable, CaseIterable {
    case es, en
    /// Picks the first supported language of an `Accept-Language` header.
    public static func negotiate(_ header: String?) -> Language? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let tag = part.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
            if let locale = Language(rawValue: String(tag.prefix(2))) { return locale }
        }
        return nil
    }
}
