import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Administration › Maps: the heat map's day thresholds and the optional tile server and geocoder.
struct MapSettingsAdmin {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.mapSettings.route) { request, context in try await self.page(request, context) }
        group.post(SiteURL.mapSettings.route) { request, context in try await self.save(request, context) }
    }

    struct Page: Encodable { let values: [String: String]; let version: Int64; let errors: [String] }

    func page(_ request: Request, _ context: SignedInContext, form: FormData? = nil, errors: [String] = [], version: Int64? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let s = try await env.stores.maps.settings()
        let stored = ["recentDays": String(s.recentDays), "mediumDays": String(s.mediumDays), "tileUrl": s.tileURL ?? "", "geocoderUrl": s.geocoderURL ?? ""]
        let values = form.map { f in stored.mapValues { _ in "" }.merging(stored.keys.map { ($0, f[$0] ?? "") }) { $1 } } ?? stored
        return try env.render("admin-maps", request, context, title: env.translator.text("admin_maps", context.language), section: .admin,
                              Page(values: values, version: version ?? s.version, errors: errors), status: status)
    }

    func save(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        let version = Int64(form["version"] ?? "") ?? 0
        do {
            var errors: [FieldError] = []
            let recent = Int(form["recentDays"] ?? ""), medium = Int(form["mediumDays"] ?? "")
            if recent == nil { errors.append(FieldError("recentDays", "invalid_integer")) }
            if medium == nil { errors.append(FieldError("mediumDays", "invalid_integer")) }
            if !errors.isEmpty { throw ValidationFailure(errors) }
            try await env.stores.maps.saveSettings(MapSettings(recentDays: recent!, mediumDays: medium!, tileURL: form["tileUrl"],
                                                               geocoderURL: form["geocoderUrl"]),
                                                   expectedVersion: version, by: context.viewer)
            return redirect(.mapSettings, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await page(request, context, form: form, errors: env.messages(failure, context.language).list, version: version,
                                  status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await page(request, context, form: form, errors: [env.translator.text("conflict_reload", context.language)],
                                  version: current, status: .conflict)
        }
    }
}
