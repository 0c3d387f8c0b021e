/// A typed 64-bit identifier: `Client.ID` and `User.ID` are different types,
/// so one cannot be passed where the other is expected.
public struct EntityID<Entity>: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: Int64

    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }

    /// Parses a path or form value; `nil` for anything that is not a positive integer.
    public init?(string: String?) {
        guard let string, let value = Int64(string.trimmingCharacters(in: .whitespaces)), value > 0 else { return nil }
        self.rawValue = value
    }
}
