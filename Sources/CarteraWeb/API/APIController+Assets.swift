import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/asset-kinds` and `/api/v1/assets`: assets are visible with their client (rule 1).
extension APIController {
    func registerAssets(_ api: RouterGroup<SignedInContext>) {
        api.get("asset-kinds") { _, _ in try await self.listAssetKinds() }
        api.post("asset-kinds") { request, context in try await self.createAssetKind(request, context) }
        api.get("assets") { request, context in try await self.listAssets(request, context) }
        api.post("assets") { request, context in try await self.createAsset(request, context) }
        api.get("assets/:asset") { _, context in try await self.getAsset(context) }
        api.patch("assets/:asset") { request, context in try await self.patchAsset(request, context) }
    }

    struct AssetKindJSON: Encodable {
        struct Field: Encodable { let key: String; let labelEs: String; let labelEn: String; let type: String; let required: Bool
            let choices: [String]; let active: Bool }
        let id: Int64, name: String, fields: [Field], active: Bool, version: Int64
        init(_ k: AssetKind) {
            id = k.id.rawValue; name = k.name; active = k.active; version = k.version
            fields = k.fields.map { Field(key: $0.key, labelEs: $0.labelES, labelEn: $0.labelEN, type: $0.type.rawValue,
                                          required: $0.required, choices: $0.choices, active: $0.active) }
        }
    }

    struct AssetJSON: Encodable {
        let id: Int64, clientId: Int64, kindId: Int64, name: String, serial: String?, fields: [String: CustomFieldValue]
        let archived: Bool, createdAt: Date, version: Int64
        init(_ a: Asset) {
            id = a.id.rawValue; clientId = a.clientID.rawValue; kindId = a.draft.kindID.rawValue; name = a.draft.name
            serial = a.draft.serial; fields = a.draft.values; archived = a.archived; createdAt = a.createdAt; version = a.version
        }
        enum CodingKeys: String, CodingKey { case id, clientId, kindId, name, serial, fields, archived, createdAt, version }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(clientId, forKey: .clientId); try c.encode(kindId, forKey: .kindId)
            try c.encode(name, forKey: .name); try c.encode(serial, forKey: .serial); try c.encode(fields, forKey: .fields)
            try c.encode(archived, forKey: .archived); try c.encode(createdAt, forKey: .createdAt); try c.encode(version, forKey: .version)
        }
    }

    struct AssetInput: Decodable {
        var clientId: Int64?
        var kindId: Int64?
        var name: String?
        var serial: String?
        var fields: [String: CustomFieldValue]?
        var archived: Bool?
    }

    func listAssetKinds() async throws -> Response {
        try json(ListPage(items: try await env.stores.assetKinds.kinds().map(AssetKindJSON.init), nextCursor: nil))
    }

    /// A kind with its fields in one call (each field: labelEs, labelEn, type, required, choices).
    func createAssetKind(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        struct Field: Decodable { let labelEs: String; let labelEn: String?; let type: String; let required: Bool?; let choices: [String]? }
        struct Input: Decodable { let name: String; let fields: [Field]? }
        let input = try JSONInput.decode(Input.self, from: try await body(request))
        for (index, field) in (input.fields ?? []).enumerated() where CustomFieldType(rawValue: field.type) == nil {
            throw ValidationFailure([FieldError("fields.\(index).type", "invalid_choice")])
        }
        let fields = (input.fields ?? []).map {
            AssetKindStore.NewField(labelES: $0.labelEs, labelEN: $0.labelEn ?? "", type: CustomFieldType(rawValue: $0.type)!,
                                    required: $0.required ?? false, choices: $0.choices ?? [])
        }
        let kind = try await env.stores.assetKinds.create(name: input.name, fields: fields, by: context.viewer.id)
        return try json(AssetKindJSON(kind), status: .created, etag: kind.version)
    }

    func listAssets(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let limit = try query.limit()
        let cursor = try Cursor(query.form["cursor"])
        let found = try await env.stores.assets.list(
            AssetQuery(search: query.form.text("q"), kindID: try query.id("kindId"), clientID: try query.id("clientId"),
                       archived: try query.choice("archived", ClientQuery.Archived.self) ?? .active, limit: limit + 1, offset: cursor.offset),
            by: context.viewer)
        let next = found.count > limit ? Cursor.offset(cursor.offset + limit) : nil
        return try json(ListPage(items: found.prefix(limit).map { AssetJSON($0.asset) }, nextCursor: next))
    }

    func createAsset(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let input = try JSONInput.decode(AssetInput.self, from: try await body(request))
        var missing: [FieldError] = []
        if input.clientId == nil { missing.append(FieldError("clientId", "required")) }
        if input.kindId == nil { missing.append(FieldError("kindId", "required")) }
        guard let clientID = input.clientId.map(Client.ID.init), let kindID = input.kindId.map(AssetKind.ID.init) else {
            throw ValidationFailure(missing)
        }
        do {
            let created = try await env.stores.assets.create(
                clientID: clientID, AssetDraft(kindID: kindID, name: input.name ?? "", serial: input.serial, values: input.fields ?? [:]),
                by: context.viewer)
            return try json(AssetJSON(created), status: .created, etag: created.version)
        } catch StoreError.notFound {
            throw ValidationFailure([FieldError("clientId", "unknown_reference")])
        }
    }

    func getAsset(_ context: SignedInContext) async throws -> Response {
        let asset = try await loadAsset(context)
        return try json(AssetJSON(asset), etag: asset.version)
    }

    /// Merge patch: `fields` merges per key (null removes a value); `archived` archives or restores.
    func patchAsset(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ["kindId", "name", "serial", "fields", "archived"])
        let version = try expectedVersion(request, context)
        let asset = try await loadAsset(context)
        let d = asset.draft
        var current: [String: Any] = ["kindId": d.kindID.rawValue, "name": d.name, "archived": asset.archived,
                                      "fields": try JSONSerialization.jsonObject(with: try JSONEncoder().encode(d.values))]
        if let serial = d.serial { current["serial"] = serial }
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        let input = try JSONInput.decode(AssetInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        let draft = AssetDraft(kindID: input.kindId.map(AssetKind.ID.init) ?? d.kindID, name: input.name ?? "", serial: input.serial,
                               values: input.fields ?? [:])
        let saved = try await env.stores.assets.update(asset.id, draft, archived: input.archived, expectedVersion: version, by: context.viewer)
        return try json(AssetJSON(saved), etag: saved.version)
    }

    func loadAsset(_ context: SignedInContext) async throws -> Asset {
        guard let id = Asset.ID(string: context.parameters.get("asset")),
              let asset = try await env.stores.assets.asset(id, by: context.viewer) else { throw StoreError.notFound }
        return asset
    }
}
