import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/master-tables`, `/api/v1/master-items` and `/api/v1/price-lists`: company-wide
/// catalogues every signed-in user reads; writing items and prices (an ERP pushing its
/// products) needs `manage_settings`.
extension APIController {
    func registerMasterData(_ api: RouterGroup<SignedInContext>) {
        api.get("master-tables") { _, _ in try await self.listMasterTables() }
        api.get("price-lists") { _, _ in try await self.listPriceLists() }
        api.get("master-tables/:table/items") { request, context in try await self.listMasterItems(request, context) }
        api.post("master-tables/:table/items") { request, context in try await self.createMasterItem(request, context) }
        api.get("master-items/:item") { _, context in try await self.getMasterItem(context) }
        api.patch("master-items/:item") { request, context in try await self.patchMasterItem(request, context) }
    }

    struct MasterTableJSON: Encodable {
        let id: Int64, name: String, columns: [AssetKindJSON.Field], active: Bool, version: Int64
        init(_ t: MasterTable) {
            id = t.id.rawValue; name = t.name; active = t.active; version = t.version
            columns = t.columns.map { .init(key: $0.key, labelEs: $0.labelES, labelEn: $0.labelEN, type: $0.type.rawValue,
                                            required: $0.required, choices: $0.choices, active: $0.active) }
        }
    }

    struct PriceListJSON: Encodable {
        let id: Int64, name: String, currency: String, active: Bool, version: Int64
        init(_ l: PriceList) { id = l.id.rawValue; name = l.name; currency = l.currency; active = l.active; version = l.version }
    }

    /// An item; `prices` maps a price list id to the price in minor units of that list's currency.
    struct MasterItemJSON: Encodable {
        let id: Int64, tableId: Int64, code: String, description: String, unit: String?, fields: [String: CustomFieldValue]
        let active: Bool, prices: [String: Int64], version: Int64
        init(_ p: PricedItem) {
            let i = p.item
            id = i.id.rawValue; tableId = i.tableID.rawValue; code = i.draft.code; description = i.draft.description; unit = i.draft.unit
            fields = i.draft.values; active = i.draft.active; version = i.version
            prices = Dictionary(uniqueKeysWithValues: p.prices.map { ($0.key.description, $0.value.minor) })
        }
        enum CodingKeys: String, CodingKey { case id, tableId, code, description, unit, fields, active, prices, version }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(tableId, forKey: .tableId); try c.encode(code, forKey: .code)
            try c.encode(description, forKey: .description); try c.encode(unit, forKey: .unit); try c.encode(fields, forKey: .fields)
            try c.encode(active, forKey: .active); try c.encode(prices, forKey: .prices); try c.encode(version, forKey: .version)
        }
    }

    struct MasterItemInput: Decodable {
        var code: String?
        var description: String?
        var unit: String?
        var fields: [String: CustomFieldValue]?
        var active: Bool?
        var prices: [String: Int64?]?

        var draft: MasterItemDraft {
            MasterItemDraft(code: code ?? "", description: description ?? "", unit: unit, values: fields ?? [:], active: active ?? true)
        }

        /// Prices by list in each list's currency; a key that is not a list id is refused by name.
        func prices(_ lists: [PriceList]) throws -> [PriceList.ID: Money?] {
            var out: [PriceList.ID: Money?] = [:]
            for (key, minor) in prices ?? [:] {
                guard let id = PriceList.ID(string: key), let list = lists.first(where: { $0.id == id }) else {
                    throw ValidationFailure([FieldError("prices.\(key)", "unknown_reference")])
                }
                if let minor, minor < 0 { throw ValidationFailure([FieldError("prices.\(key)", "invalid_number")]) }
                out.updateValue(minor.map { Money(minor: $0, currency: list.currency) }, forKey: id)   // nil kept: it removes the price
            }
            return out
        }
    }

    func listMasterTables() async throws -> Response {
        try json(ListPage(items: try await env.stores.masterData.tables().map(MasterTableJSON.init), nextCursor: nil))
    }

    func listPriceLists() async throws -> Response {
        try json(ListPage(items: try await env.stores.masterData.priceLists().map(PriceListJSON.init), nextCursor: nil))
    }

    func listMasterItems(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let table = try await loadMasterTable(context)
        let query = QueryParameters(FormData.query(request))
        let limit = try query.limit()
        let cursor = try Cursor(query.form["cursor"])
        let found = try await env.stores.masterData.items(table.id, search: query.form.text("q"), includeInactive: query.form["inactive"] == "true",
                                                          limit: limit + 1, offset: cursor.offset)
        let next = found.count > limit ? Cursor.offset(cursor.offset + limit) : nil
        return try json(ListPage(items: found.prefix(limit).map(MasterItemJSON.init), nextCursor: next))
    }

    func createMasterItem(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        let table = try await loadMasterTable(context)
        let input = try JSONInput.decode(MasterItemInput.self, from: try await body(request))
        let created = try await env.stores.masterData.createItem(table.id, input.draft, prices: try input.prices(try await env.stores.masterData.priceLists()),
                                                                 by: context.viewer)
        return try json(MasterItemJSON(created), status: .created, etag: created.item.version)
    }

    func getMasterItem(_ context: SignedInContext) async throws -> Response {
        let item = try await loadMasterItem(context)
        return try json(MasterItemJSON(item), etag: item.item.version)
    }

    /// Merge patch; `prices` merges per list (null removes that list's price); `fields` merges per key.
    func patchMasterItem(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ["code", "description", "unit", "fields", "active", "prices"])
        let version = try expectedVersion(request, context)
        let item = try await loadMasterItem(context)
        let current = try JSONSerialization.jsonObject(with: try encoder().encode(MasterItemJSON(item)))
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        var input = try JSONInput.decode(MasterItemInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        // A list whose price the patch removed is absent after merging: say so to the store.
        var prices = input.prices ?? [:]
        for list in item.prices.keys where prices[list.description] == nil { prices[list.description] = .some(nil) }
        input.prices = prices
        let saved = try await env.stores.masterData.updateItem(item.item.id, input.draft, prices: try input.prices(try await env.stores.masterData.priceLists()),
                                                               expectedVersion: version, by: context.viewer)
        return try json(MasterItemJSON(saved), etag: saved.item.version)
    }

    func loadMasterTable(_ context: SignedInContext) async throws -> MasterTable {
        guard let id = MasterTable.ID(string: context.parameters.get("table")),
              let table = try await env.stores.masterData.table(id) else { throw StoreError.notFound }
        return table
    }

    func loadMasterItem(_ context: SignedInContext) async throws -> PricedItem {
        guard let id = MasterItem.ID(string: context.parameters.get("item")),
              let item = try await env.stores.masterData.item(id) else { throw StoreError.notFound }
        return item
    }
}
