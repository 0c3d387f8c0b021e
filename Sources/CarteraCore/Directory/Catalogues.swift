/// A client type: how a client is drawn on maps (name, colour, icon).
public struct ClientType: Hashable, Sendable, Codable {
    public typealias ID = EntityID<ClientType>
    public var id: ID
    public var name: String
    /// `#rrggbb`.
    public var color: String
    /// One of ``ClientType/icons``.
    public var icon: String
    public var active: Bool
    public var version: Int64

    public init(id: ID, name: String, color: String, icon: String, active: Bool, version: Int64) {
        self.id = id; self.name = name; self.color = color; self.icon = icon; self.active = active; self.version = version
    }

    public static let icons = ["pin", "store", "factory", "home", "office", "truck", "star"]

    /// Validates a type's editable fields.
    public static func validate(name: String?, color: String?, icon: String?) throws(ValidationFailure) -> (String, String, String) {
        var v = Validator()
        let name = v.text("name", name, required: true, maxLength: 80)
        let color = (color ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let isHex = color.count == 7 && color.hasPrefix("#") && color.dropFirst().allSatisfy(\.isHexDigit)
        if !isHex { v.add("color", "invalid_color") }
        let icon = icon ?? "pin"
        if !icons.contains(icon) { v.add("icon", "invalid_choice") }
        try v.check()
        return (name ?? "", color, icon)
    }
}

/// A client group: segments the portfolio; users assigned to groups see only
/// those groups' clients (seed 000, "Grupos de Clientes").
public struct ClientGroup: Hashable, Sendable, Codable {
    public typealias ID = EntityID<ClientGroup>
    public var id: ID
    public var name: String
    public var active: Bool
    public var userIDs: [User.ID]
    public var version: Int64

    public init(id: ID, name: String, active: Bool, userIDs: [User.ID], version: Int64) {
        self.id = id; self.name = name; self.active = active; self.userIDs = userIDs; self.version = version
    }
}
