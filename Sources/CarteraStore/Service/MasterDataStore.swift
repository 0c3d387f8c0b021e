import CarteraCore
import Foundation
import SQLKit
import Synchronization

/// An item with its price in each list that has one.
public struct PricedItem: Sendable, Hashable {
    public let item: MasterItem
    public let prices: [PriceList.ID: Money]
}

/// Master tables, their items and price lists. Company-wide catalogues: every
/// signed-in user reads them (forms need them); writing needs `manage_settings`.
/// A price is stored once per list and item and changes in place.
public struct MasterDataStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    // MARK: Tables

    public func tables() async throws -> [MasterTable] {
        try await database.cached("masterTables") { try await $0.rows("SELECT * FROM master_tables ORDER BY name_key").map(Self.table) }
    }

    public func table(_ id: MasterTable.ID) async throws -> MasterTable? {
        try await database.read { try await Self.table($0, id) }
    }

    public func createTable(name: String, by viewer: Viewer) async throws -> MasterTable {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        let name = try Self.name(name)
        return try await database.write { session in
            try await Self.checkUnique(session, "master_tables", name, except: nil)
            let id: MasterTable.ID = try await session.first("""
                INSERT INTO master_tables (name, name_key, columns) VALUES (\(bind: name), \(bind: Normalization.sortKey(name)), \(session.json("[]")))
                RETURNING id
                """)!.id("id")
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "master_table", entityID: id.rawValue, clientID: nil,
                                      action: "create", changes: [AuditChange(field: "name", before: nil, after: name)])
            return try await Self.table(session, id)!
        }
    }

    /// Renames the table, (de)activates it, or replaces its columns (built with `adding`/`updating`).
    public func updateTable(_ id: MasterTable.ID, name: String, active: Bool, columns: [CustomFieldDefinition]? = nil,
                            expectedVersion: Int64, by viewer: Viewer) async throws -> MasterTable {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        let name = try Self.name(name)
        return try await database.write { session in
            guard let before = try await Self.table(session, id) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            try await Self.checkUnique(session, "master_tables", name, except: id.rawValue)
            let columns = columns ?? before.columns
            try await session.run("""
                UPDATE master_tables SET name = \(bind: name), name_key = \(bind: Normalization.sortKey(name)), active = \(bind: active),
                    columns = \(session.json(AssetKindStore.encode(columns))), version = version + 1
                WHERE id = \(bind: id.rawValue)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "master_table", entityID: id.rawValue, clientID: nil,
                                      action: "update", changes: AuditLog.diff(
                                        ["name": before.name, "active": "\(before.active)", "columns": AssetKindStore.encode(before.columns)],
                                        ["name": name, "active": "\(active)", "columns": AssetKindStore.encode(columns)]))
            return try await Self.table(session, id)!
        }
    }

    // MARK: Price lists

    public func priceLists() async throws -> [PriceList] {
        try await database.read { try await $0.rows("SELECT * FROM price_lists ORDER BY name_key").map(Self.priceList) }
    }

    /// A list in the company's currency.
    public func createPriceList(name: String, by viewer: Viewer) async throws -> PriceList {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        let name = try Self.name(name)
        return try await database.write { session in
            try await Self.checkUnique(session, "price_lists", name, except: nil)
            let currency = try await session.first("SELECT currency FROM company")?.string("currency") ?? "USD"
            let id: PriceList.ID = try await session.first("""
                INSERT INTO price_lists (name, name_key, currency) VALUES (\(bind: name), \(bind: Normalization.sortKey(name)), \(bind: currency))
                RETURNING id
                """)!.id("id")
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "price_list", entityID: id.rawValue, clientID: nil,
                                      action: "create", changes: [AuditChange(field: "name", before: nil, after: name)])
            return try await session.first("SELECT * FROM price_lists WHERE id = \(bind: id.rawValue)").map(Self.priceList)!
        }
    }

    public func updatePriceList(_ id: PriceList.ID, name: String, active: Bool, expectedVersion: Int64, by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        let name = try Self.name(name)
        try await database.write { session in
            guard let before = try await session.first("SELECT * FROM price_lists WHERE id = \(bind: id.rawValue)").map(Self.priceList) else {
                throw StoreError.notFound
            }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            try await Self.checkUnique(session, "price_lists", name, except: id.rawValue)
            try await session.run("""
                UPDATE price_lists SET name = \(bind: name), name_key = \(bind: Normalization.sortKey(name)), active = \(bind: active),
                    version = version + 1 WHERE id = \(bind: id.rawValue)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "price_list", entityID: id.rawValue, clientID: nil,
                                      action: "update", changes: AuditLog.diff(["name": before.name, "active": "\(before.active)"],
                                                                               ["name": name, "active": "\(active)"]))
        }
    }

    // MARK: Items

    /// Items of a table by description, found by words of the code, description and text columns.
    public func items(_ tableID: MasterTable.ID, search: String? = nil, includeInactive: Bool = false, limit: Int = 100,
                      offset: Int = 0) async throws -> [PricedItem] {
        // The first page of a table's active items is the delivery form's suggestions,
        // on every client card: kept like the other catalogues (migration 029).
        if search == nil, !includeInactive, offset == 0 {
            return try await database.cached("masterItems.\(tableID).\(limit)") { try await Self.items($0, tableID, limit: limit) }
        }
        return try await database.read { try await Self.items($0, tableID, search: search, includeInactive: includeInactive, limit: limit, offset: offset) }
    }

    private static func items(_ session: Session, _ tableID: MasterTable.ID, search: String? = nil, includeInactive: Bool = false,
                              limit: Int, offset: Int = 0) async throws -> [PricedItem] {
        let found = try await session.rows("""
            SELECT i.* FROM master_items i WHERE \(filter(session, tableID, search, includeInactive))
            ORDER BY i.description_key, i.id LIMIT \(literal: max(1, min(limit, 500))) OFFSET \(literal: max(0, offset))
            """).map(Self.item)
        return try await priced(session, found)
    }

    public func count(_ tableID: MasterTable.ID, search: String? = nil, includeInactive: Bool = false) async throws -> Int {
        try await database.read { session in
            Int(try await session.first("""
                SELECT COUNT(*) AS n FROM master_items i WHERE \(Self.filter(session, tableID, search, includeInactive))
                """)!.int("n"))
        }
    }

    public func item(_ id: MasterItem.ID) async throws -> PricedItem? {
        try await database.read { session in
            guard let item = try await session.first("SELECT * FROM master_items WHERE id = \(bind: id.rawValue)").map(Self.item) else { return nil }
            return try await Self.priced(session, [item]).first
        }
    }

    /// Every item of the table with its prices, streamed in batches (downloads).
    public func export(_ tableID: MasterTable.ID, _ each: @escaping @Sendable (PricedItem) -> Void) async throws {
        var after: Int64 = 0
        while true {
            let batch = try await database.read { session -> [PricedItem] in
                let items = try await session.rows("""
                    SELECT * FROM master_items WHERE table_id = \(bind: tableID.rawValue) AND id > \(bind: after) ORDER BY id LIMIT 500
                    """).map(Self.item)
                return try await Self.priced(session, items)
            }
            batch.forEach(each)
            guard let last = batch.last, batch.count == 500 else { return }
            after = last.item.id.rawValue
        }
    }

    /// Creates an item with its prices (nil removes a list's price).
    public func createItem(_ tableID: MasterTable.ID, _ draft: MasterItemDraft, prices: [PriceList.ID: Money?],
                           by viewer: Viewer) async throws -> PricedItem {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        let now = clock.now()
        let id = try await database.write { session in
            try await Self.insert(session, tableID, draft, prices: prices, by: viewer.id, at: now)
        }
        return try await item(id)!
    }

    public func updateItem(_ id: MasterItem.ID, _ draft: MasterItemDraft, prices: [PriceList.ID: Money?], expectedVersion: Int64,
                           by viewer: Viewer) async throws -> PricedItem {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        let now = clock.now()
        try await database.write { session in
            guard let before = try await session.first("SELECT * FROM master_items WHERE id = \(bind: id.rawValue)").map(Self.item) else {
                throw StoreError.notFound
            }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            try await Self.update(session, before, draft, prices: prices, by: viewer.id, at: now)
        }
        return try await item(id)!
    }

    // MARK: Shared with the import

    static func insert(_ session: Session, _ tableID: MasterTable.ID, _ draft: MasterItemDraft, prices: [PriceList.ID: Money?],
                       by userID: User.ID, at now: Date) async throws -> MasterItem.ID {
        guard let table = try await table(session, tableID) else { throw StoreError.notFound }
        let draft = try draft.validated(table: table)
        try await checkCode(session, tableID, draft, except: nil)
        let id: MasterItem.ID = try await session.first("""
            INSERT INTO master_items (table_id, code, code_key, description, description_key, unit, field_values, active, search_words,
                created_at, updated_at)
            VALUES (\(bind: tableID.rawValue), \(values(session, draft, table)), \(session.instant(now)), \(session.instant(now)))
            RETURNING id
            """)!.id("id")
        let changed = try await setPrices(session, id, prices, at: now)
        try await AuditLog.record(session, at: now, userID: userID, entity: "master_item", entityID: id.rawValue, clientID: nil,
                                  action: "create", changes: AuditLog.diff([:], flatten(draft).merging(changed.after) { $1 }))
        return id
    }

    /// Writes what changed (nothing when the draft and prices are as stored); returns whether anything did.
    @discardableResult
    static func update(_ session: Session, _ before: MasterItem, _ draft: MasterItemDraft, prices: [PriceList.ID: Money?],
                       by userID: User.ID, at now: Date) async throws -> Bool {
        guard let table = try await table(session, before.tableID) else { throw StoreError.notFound }
        let draft = try draft.validated(table: table)
        try await checkCode(session, before.tableID, draft, except: before.id)
        if draft != before.draft {
            try await session.run("""
                UPDATE master_items SET (code, code_key, description, description_key, unit, field_values, active, search_words)
                    = (\(values(session, draft, table))), version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: before.id.rawValue)
                """)
        }
        let changed = try await setPrices(session, before.id, prices, at: now)
        let changes = AuditLog.diff(flatten(before.draft).merging(changed.before) { $1 }, flatten(draft).merging(changed.after) { $1 })
        if draft == before.draft && !changes.isEmpty {
            // A price is part of the item for `If-Match`: two writers of one price must not overwrite each other.
            try await session.run("UPDATE master_items SET version = version + 1 WHERE id = \(bind: before.id.rawValue)")
        }
        if !changes.isEmpty {
            try await AuditLog.record(session, at: now, userID: userID, entity: "master_item", entityID: before.id.rawValue, clientID: nil,
                                      action: "update", changes: changes)
        }
        return !changes.isEmpty
    }

    /// Writes the given prices; returns the audited before/after of those that changed (`price.<list>`).
    static func setPrices(_ session: Session, _ id: MasterItem.ID, _ prices: [PriceList.ID: Money?],
                          at now: Date) async throws -> (before: [String: String], after: [String: String]) {
        guard !prices.isEmpty else { return ([:], [:]) }
        let current = try await priced(session, [MasterItem(id: id, tableID: .init(0), draft: MasterItemDraft(code: "", description: ""),
                                                            version: 0)]).first?.prices ?? [:]
        let lists = Set(try await session.rows("SELECT id FROM price_lists").map { try $0.id("id") as PriceList.ID })
        var before: [String: String] = [:], after: [String: String] = [:]
        for (list, price) in prices {
            guard lists.contains(list) else { throw ValidationFailure([FieldError("prices.\(list)", "unknown_reference")]) }
            guard current[list]?.minor != price?.minor else { continue }
            before["price.\(list)"] = current[list]?.decimalText
            after["price.\(list)"] = price?.decimalText
            if let price {
                try await session.run("""
                    INSERT INTO item_prices (price_list_id, item_id, price_minor, updated_at)
                    VALUES (\(bind: list.rawValue), \(bind: id.rawValue), \(bind: price.minor), \(session.instant(now)))
                    ON CONFLICT (price_list_id, item_id) DO UPDATE SET price_minor = excluded.price_minor, updated_at = excluded.updated_at
                    """)
            } else {
                try await session.run("DELETE FROM item_prices WHERE price_list_id = \(bind: list.rawValue) AND item_id = \(bind: id.rawValue)")
            }
        }
        return (before, after)
    }

    /// The active item of `tableID` with this code (accents and case aside), with its price in `priceListID` if it has one.
    static func lookup(_ session: Session, _ tableID: MasterTable.ID?, code: String,
                       priceListID: PriceList.ID?) async throws -> (MasterItem, Money?)? {
        guard let row = try await session.first("""
            SELECT i.*, p.price_minor, l.currency FROM master_items i
            LEFT JOIN item_prices p ON p.item_id = i.id AND p.price_list_id = \(bind: priceListID?.rawValue ?? 0)
            LEFT JOIN price_lists l ON l.id = p.price_list_id
            WHERE i.table_id = \(bind: tableID?.rawValue ?? 0) AND i.code_key = \(bind: MasterItemDraft(code: code, description: "").codeKey)
              AND i.active = \(session.literal(true))
            """) else { return nil }
        return (try item(row), try row.optInt("price_minor").map { Money(minor: $0, currency: try row.string("currency")) })
    }

    static func priced(_ session: Session, _ items: [MasterItem]) async throws -> [PricedItem] {
        guard !items.isEmpty else { return [] }
        var prices: [MasterItem.ID: [PriceList.ID: Money]] = [:]
        for row in try await session.rows("""
            SELECT p.item_id, p.price_list_id, p.price_minor, l.currency FROM item_prices p JOIN price_lists l ON l.id = p.price_list_id
            WHERE p.item_id IN \(session.inList(items.map(\.id)))
            """) {
            prices[try row.id("item_id"), default: [:]][try row.id("price_list_id")] = Money(minor: try row.int("price_minor"),
                                                                                            currency: try row.string("currency"))
        }
        return items.map { PricedItem(item: $0, prices: prices[$0.id] ?? [:]) }
    }

    static func checkCode(_ session: Session, _ tableID: MasterTable.ID, _ draft: MasterItemDraft, except id: MasterItem.ID?) async throws {
        if let row = try await session.first("""
            SELECT id FROM master_items WHERE table_id = \(bind: tableID.rawValue) AND code_key = \(bind: draft.codeKey)
            """), try row.id("id") as MasterItem.ID != id {
            throw ValidationFailure([FieldError("code", "duplicate")])
        }
    }

    static func filter(_ session: Session, _ tableID: MasterTable.ID, _ search: String?, _ includeInactive: Bool) -> SQLQueryString {
        var parts: [SQLQueryString] = ["i.table_id = \(bind: tableID.rawValue)"]
        if !includeInactive { parts.append("i.active = \(session.literal(true))") }
        if let words = search.map({ Normalization.queryWords($0) }), !words.isEmpty {
            parts.append(WordSearch.match(session, words, alias: "i", fts: "master_item_words"))
        }
        return parts.joined(separator: " AND ")
    }

    static func values(_ session: Session, _ d: MasterItemDraft, _ table: MasterTable) -> SQLQueryString {
        let values = String(decoding: try! JSONEncoder().encode(d.values), as: UTF8.self)
        var words = [d.code, d.description, d.unit ?? ""]
        for column in table.columns where [.text, .longText, .choice].contains(column.type) {
            if case .text(let s)? = d.values[column.key] { words.append(s) }
        }
        return """
            \(bind: d.code), \(bind: d.codeKey), \(bind: d.description), \(bind: Normalization.sortKey(d.description)), \(bind: d.unit),
            \(session.json(values)), \(bind: d.active), \(bind: Normalization.searchKey(words.joined(separator: " ")))
            """
    }

    static func name(_ raw: String) throws(ValidationFailure) -> String {
        var v = Validator()
        let name = v.text("name", raw, required: true, maxLength: 100) ?? ""
        try v.check()
        return name
    }

    static func checkUnique(_ session: Session, _ table: String, _ name: String, except id: Int64?) async throws {
        if let row = try await session.first("""
            SELECT id FROM \(ident: table) WHERE name_key = \(bind: Normalization.sortKey(name))
            """), try row.int("id") != id {
            throw ValidationFailure([FieldError("name", "duplicate")])
        }
    }

    static func table(_ session: Session, _ id: MasterTable.ID) async throws -> MasterTable? {
        try await session.first("SELECT * FROM master_tables WHERE id = \(bind: id.rawValue)").map(table)
    }

    static func table(_ row: Row) throws -> MasterTable {
        MasterTable(id: try row.id("id"), name: try row.string("name"), columns: try row.json("columns", as: [CustomFieldDefinition].self),
                    active: try row.bool("active"), version: try row.int("version"))
    }

    static func priceList(_ row: Row) throws -> PriceList {
        PriceList(id: try row.id("id"), name: try row.string("name"), currency: try row.string("currency"), active: try row.bool("active"),
                  version: try row.int("version"))
    }

    static func item(_ row: Row) throws -> MasterItem {
        MasterItem(id: try row.id("id"), tableID: try row.id("table_id"),
                   draft: MasterItemDraft(code: try row.string("code"), description: try row.string("description"), unit: try row.optString("unit"),
                                          values: try row.json("field_values", as: [String: CustomFieldValue].self), active: try row.bool("active")),
                   version: try row.int("version"))
    }

    static func flatten(_ d: MasterItemDraft) -> [String: String] {
        var out = ["code": d.code, "description": d.description, "active": d.active ? "true" : "false"]
        out["unit"] = d.unit
        for (key, value) in d.values { out["fields.\(key)"] = value.displayText }
        return out
    }
}
