import Foundation

/// A master database ("base de datos maestra", seed 000): products, supplies,
/// services… Items have a unique code, a description, a unit and the table's own typed columns.
public struct MasterTable: Hashable, Sendable {
    public typealias ID = EntityID<MasterTable>
    public let id: ID
    public let name: String
    public let columns: [CustomFieldDefinition]
    public let active: Bool
    public let version: Int64

    public init(id: ID, name: String, columns: [CustomFieldDefinition], active: Bool, version: Int64) {
        self.id = id; self.name = name; self.columns = columns; self.active = active; self.version = version
    }

    /// Keys the item's own columns use.
    public static let reservedKeys: Set<String> = ["code", "codigo", "description", "descripcion", "unit", "unidad"]
}

/// An item of a master table.
public struct MasterItem: Hashable, Sendable {
    public typealias ID = EntityID<MasterItem>
    public let id: ID
    public let tableID: MasterTable.ID
    public let draft: MasterItemDraft
    public let version: Int64

    public init(id: ID, tableID: MasterTable.ID, draft: MasterItemDraft, version: Int64) {
        self.id = id; self.tableID = tableID; self.draft = draft; self.version = version
    }
}

public struct MasterItemDraft: Hashable, Sendable {
    /// Unique in its table, compared without case or accents.
    public var code: String
    public var description: String
    public var unit: String?
    public var values: [String: CustomFieldValue]
    public var active: Bool

    public init(code: String, description: String, unit: String? = nil, values: [String: CustomFieldValue] = [:], active: Bool = true) {
        self.code = code; self.description = description; self.unit = unit; self.values = values; self.active = active
    }

    public func validated(table: MasterTable, after parseErrors: [FieldError] = []) throws(ValidationFailure) -> MasterItemDraft {
        var v = Validator()
        var out = self
        out.code = v.text("code", code, required: true, maxLength: 60) ?? ""
        out.description = v.text("description", description, required: true, maxLength: 500) ?? ""
        out.unit = v.text("unit", unit, maxLength: 20)
        out.values = ClientDraft.validate(values, definitions: table.columns, into: &v)
        let errors = parseErrors + v.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return out
    }

    public var codeKey: String { Normalization.compactKey(code) }
}

/// A price list ("mayorista", "minorista"): a price per item in the company's currency.
public struct PriceList: Hashable, Sendable {
    public typealias ID = EntityID<PriceList>
    public let id: ID
    public let name: String
    public let currency: String
    public let active: Bool
    public let version: Int64

    public init(id: ID, name: String, currency: String, active: Bool, version: Int64) {
        self.id = id; self.name = name; self.currency = currency; self.active = active; self.version = version
    }
}
