import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Administration of asset kinds: names, and each kind's typed fields (added
/// with a type that never changes; labels, "required", choices and visibility editable).
struct AssetKindsAdmin {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.assetKinds.route) { request, context in try await self.list(request, context) }
        group.post(SiteURL.assetKinds.route) { request, context in try await self.create(request, context) }
        group.get("/admin/asset-kinds/:kind") { request, context in try await self.page(request, context) }
        group.post("/admin/asset-kinds/:kind") { request, context in try await self.update(request, context) }
        group.post("/admin/asset-kinds/:kind/fields") { request, context in try await self.addField(request, context) }
        group.post("/admin/asset-kinds/:kind/fields/:key") { request, context in try await self.updateField(request, context) }
    }

    struct ListPage: Encodable {
        struct Row: Encodable { let url: String; let name: String; let fields: String; let active: Bool }
        let rows: [Row]
        let errors: [String]
        let value: String
    }

    struct KindPage: Encodable {
        let name: String
        let active: Bool
        let version: Int64
        let action: String
        let fields: FieldDefinitionsView
        let hasFields: Bool
        let errors: [String]
    }

    func list(_ request: Request, _ context: SignedInContext, errors: [String] = [], value: String = "",
              status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let t = env.t(context.language)
        let rows = try await env.stores.assetKinds.kinds().map { kind in
            ListPage.Row(url: SiteURL.assetKind(kind.id).path, name: kind.name,
                         fields: kind.fields.filter(\.active).map { $0.label(context.language) }.joined(separator: ", "), active: kind.active)
        }
        return try env.render("admin-asset-kinds", request, context, title: t["admin_asset_kinds"] ?? "", section: .admin,
                              ListPage(rows: rows, errors: errors, value: value), status: status)
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        let form = try await FormData.from(request)
        do {
            let kind = try await env.stores.assetKinds.create(name: form["name"] ?? "", by: context.viewer.id)
            return redirect(to: SiteURL.assetKind(kind.id).path, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await list(request, context, errors: env.messages(failure, context.language).list, value: form["name"] ?? "",
                                  status: .unprocessableContent)
        }
    }

    func page(_ request: Request, _ context: SignedInContext, errors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let kind = try await load(context)
        let t = env.t(context.language)
        let page = KindPage(name: kind.name, active: kind.active, version: kind.version, action: SiteURL.assetKind(kind.id).path,
                            fields: FieldDefinitionsView(kind.fields, base: SiteURL.assetKind(kind.id).path, version: kind.version, t: t),
                            hasFields: !kind.fields.isEmpty, errors: errors)
        return try env.render("admin-asset-kind", request, context, title: kind.name, section: .admin, page, status: status)
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        let kind = try await load(context)
        let form = try await FormData.from(request)
        return try await saving(request, context, kind) {
            _ = try await env.stores.assetKinds.update(kind.id, name: form["name"] ?? "", active: form.bool("active"),
                                                       expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer.id)
        }
    }

    func addField(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        let kind = try await load(context)
        let form = try await FormData.from(request)
        return try await saving(request, context, kind) {
            guard let type = CustomFieldType(rawValue: form["type"] ?? "") else { throw ValidationFailure([FieldError("type", "invalid_choice")]) }
            _ = try await env.stores.assetKinds.addField(kind.id, labelES: form["labelEs"] ?? "", labelEN: form["labelEn"] ?? "", type: type,
                                                         required: form.bool("required"), choices: Self.lines(form["choices"]),
                                                         expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer.id)
        }
    }

    func updateField(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.manageSettings)
        let kind = try await load(context)
        let form = try await FormData.from(request)
        return try await saving(request, context, kind) {
            _ = try await env.stores.assetKinds.updateField(kind.id, key: context.parameters.get("key") ?? "", labelES: form["labelEs"] ?? "",
                                                            labelEN: form["labelEn"] ?? "", required: form.bool("required"),
                                                            choices: Self.lines(form["choices"]), active: form.bool("active"),
                                                            expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer.id)
        }
    }

    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map(String.init)
    }

    /// Runs a write; on bad input or a stale version shows the kind again with the reason.
    func saving(_ request: Request, _ context: SignedInContext, _ kind: AssetKind, _ write: () async throws -> Void) async throws -> Response {
        do {
            try await write()
            return redirect(to: SiteURL.assetKind(kind.id).path, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await page(request, context, errors: env.messages(failure, context.language).list, status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await page(request, context, errors: [env.translator.text("conflict_reload", context.language)], status: .conflict)
        }
    }

    func load(_ context: SignedInContext) async throws -> AssetKind {
        guard let id = AssetKind.ID(string: context.parameters.get("kind")),
              let kind = try await env.stores.assetKinds.kind(id) else { throw StoreError.notFound }
        return kind
    }
}
