import Foundation

/// A kind of equipment ("Aire acondicionado", "Caldera"), from the admin's
/// catalogue, with its own typed fields (seed 000, "Objetos").
public struct AssetKind: Hashable, Sendable {
    public typealias ID = EntityID<AssetKind>
    public let id: ID
    public let name: String
    /// Typed like client custom fields; keys never change, a field is hidden rather than removed.
    public let fields: [CustomFieldDefinition]
    public let active: Bool
    public let version: Int64

    public init(id: ID, name: String, fields: [CustomFieldDefinition], active: Bool, version: Int64) {
        self.id = id; self.name = name; self.fields = fields; self.active = active; self.version = version
    }
}

/// A piece of equipment at a client: a kind, a name, a serial number and the kind's fields.
public struct Asset: Hashable, Sendable {
    public typealias ID = EntityID<Asset>
    public let id: ID
    public let clientID: Client.ID
    public let draft: AssetDraft
    public let archived: Bool
    public let version: Int64
    public let createdAt: Date

    public init(id: ID, clientID: Client.ID, draft: AssetDraft, archived: Bool, version: Int64, createdAt: Date) {
        self.id = id; self.clientID = clientID; self.draft = draft; self.archived = archived; self.version = version
        self.createdAt = createdAt
    }
}

/// What a person writes on an asset.
public struct AssetDraft: Hashable, Sendable {
    public var kindID: AssetKind.ID
    /// How people tell it apart at the client ("Split sala de reuniones").
    public var name: String
    public var serial: String?
    /// Values of the kind's fields, by key.
    public var values: [String: CustomFieldValue]

    public init(kindID: AssetKind.ID, name: String, serial: String? = nil, values: [String: CustomFieldValue] = [:]) {
        self.kindID = kindID; self.name = name; self.serial = serial; self.values = values
    }

    /// Checked against the kind's fields (values of hidden fields are kept as they are).
    public func validated(kind: AssetKind, after parseErrors: [FieldError] = []) throws(ValidationFailure) -> AssetDraft {
        var v = Validator()
        var out = self
        out.name = v.text("name", name, required: true, maxLength: 200) ?? ""
        out.serial = v.text("serial", serial, maxLength: 100)
        out.values = ClientDraft.validate(values, definitions: kind.fields, into: &v)
        let errors = parseErrors + v.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return out
    }

    /// The words the assets panel finds it by: name, serial, kind and text values.
    public func searchWords(kind: AssetKind) -> String {
        var parts = [name, serial ?? "", kind.name]
        for field in kind.fields where [.text, .longText, .choice, .email].contains(field.type) {
            if case .text(let s)? = values[field.key] { parts.append(s) }
        }
        return Normalization.searchKey(parts.joined(separator: " "))
    }
}
