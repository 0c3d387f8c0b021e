import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Placing a client on the map: a click on the spot (with a little JavaScript),
/// typed coordinates, or — when the company configured a geocoder — its address.
struct PlaceController {
    let env: WebEnvironment
    let clients: ClientsController

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get("/clients/:id/place") { request, context in try await self.page(request, context) }
        group.post("/clients/:id/place") { request, context in try await self.place(request, context) }
        group.post("/clients/:id/geocode") { request, context in try await self.geocode(request, context) }
    }

    struct Page: Encodable {
        let title: String
        let clientURL: String
        let action: String
        let geocodeAction: String?
        let address: String
        let canvas: MapCanvas
        let nav: [MapCanvas.Nav]
        let view: [String: String]
        let version: Int64
        let latitude: String
        let longitude: String
        let errors: [String]
    }

    func page(_ request: Request, _ context: SignedInContext, errors: [String] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.editClients)
        let client = try await clients.load(request, context)
        let form = FormData.query(request)
        let t = env.t(context.language)
        let settings = try await env.stores.maps.settings()
        let d = client.draft
        let view: MapView
        if let requested = MapCanvas.requestedView(form) {
            view = requested
        } else if let lat = d.latitude, let lon = d.longitude {
            view = MapView(zoom: 16, centerLatitude: lat, centerLongitude: lon)
        } else if let box = try await env.stores.maps.bounds(ClientQuery(), scope: context.clientScope) {
            view = .fitting(box)
        } else {
            view = MapCanvas.overview
        }
        let base = "/clients/\(client.id)/place"
        let link = { (v: MapView) in "\(base)?z=\(v.zoom)&lat=\(String(format: "%.6f", v.centerLatitude))&lon=\(String(format: "%.6f", v.centerLongitude))" }
        let markers: [MapCanvas.Marker] = d.latitude.flatMap { lat in d.longitude.map { lon in
            let (x, y) = view.point(latitude: lat, longitude: lon)
            return [MapCanvas.Marker(href: SiteURL.client(client.id).path, title: client.displayName, x: Int(x), y: Int(y), r: 10, fill: "#c62828",
                                     count: nil, icon: "icon-pin", never: false)]
        } } ?? []
        let page = Page(
            title: "\(t["place_title"] ?? ""): \(client.displayName)", clientURL: SiteURL.client(client.id).path, action: base,
            geocodeAction: settings.geocoderURL != nil && !d.address.oneLine.isEmpty ? "/clients/\(client.id)/geocode" : nil,
            address: d.address.oneLine,
            canvas: MapCanvas(view: view, settings: settings, markers: markers, title: t["place_title"] ?? "", pick: true, t: t),
            nav: MapCanvas.navigation(view, t: t, link: link),
            view: ["z": String(view.zoom), "lat": String(view.centerLatitude), "lon": String(view.centerLongitude)],
            version: client.version, latitude: d.latitude.map { String(format: "%.6f", $0) } ?? "",
            longitude: d.longitude.map { String(format: "%.6f", $0) } ?? "",
            errors: errors)
        return try env.render("place", request, context, title: page.title, section: .map, page, status: status)
    }

    /// The clicked pixel of the view (`x`, `y` with `z`, `lat`, `lon`), or typed `latitude` and `longitude`.
    func place(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = try await FormData.from(request)
        var errors: [FieldError] = []
        var spot: (Double, Double)?
        if let x = Double(form["x"] ?? ""), let y = Double(form["y"] ?? ""), let view = MapCanvas.requestedView(form) {
            let picked = view.position(x: x, y: y)
            spot = (picked.latitude, picked.longitude)
        } else {
            let lat = Double(form["latitude"] ?? ""), lon = Double(form["longitude"] ?? "")
            if lat == nil { errors.append(FieldError("latitude", "invalid_decimal")) }
            if lon == nil { errors.append(FieldError("longitude", "invalid_decimal")) }
            if let lat, let lon { spot = (lat, lon) }
        }
        return try await save(request, context, client, spot: errors.isEmpty ? spot : nil, errors: errors,
                              version: Int64(form["version"] ?? "") ?? 0)
    }

    func geocode(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = try await FormData.from(request)
        guard let url = try await env.stores.maps.settings().geocoderURL else { throw StoreError.notFound }
        let found: (latitude: Double, longitude: Double)?
        do {
            found = try await env.geocoder(url).locate(client.draft.address.oneLine)
        } catch {
            return try await page(request, context, errors: [env.translator.text("geocoder_failed", context.language)], status: .badGateway)
        }
        guard let found else {
            return try await page(request, context, errors: [env.translator.text("geocoder_not_found", context.language)], status: .unprocessableContent)
        }
        return try await save(request, context, client, spot: (found.latitude, found.longitude), errors: [],
                              version: Int64(form["version"] ?? "") ?? 0)
    }

    func save(_ request: Request, _ context: SignedInContext, _ client: Client, spot: (Double, Double)?, errors: [FieldError],
              version: Int64) async throws -> Response {
        do {
            guard let (lat, lon) = spot else { throw ValidationFailure(errors) }
            var draft = client.draft
            draft.latitude = (lat * 1e6).rounded() / 1e6
            draft.longitude = (lon * 1e6).rounded() / 1e6
            _ = try await env.stores.clients.update(client.id, draft, expectedVersion: version, by: context.viewer)
            let flash = env.translator.text("place_saved", context.language, ["coordinates": String(format: "%.6f, %.6f", lat, lon)])
            return redirect(.client(client.id), flash: flash)
        } catch let failure as ValidationFailure {
            return try await page(request, context, errors: env.messages(failure, context.language).list, status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await page(request, context, errors: [env.translator.text("conflict_reload", context.language)], status: .conflict)
        }
    }
}
