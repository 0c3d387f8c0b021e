import Foundation

/// The company's map settings: how recent a visit must be for each colour of
/// the heat map, and the optional tile server and geocoder.
public struct MapSettings: Hashable, Sendable {
    /// A last visit at most this many days ago is recent (green).
    public var recentDays: Int
    /// At most this many days ago is medium (yellow); older is long ago (red).
    public var mediumDays: Int
    /// A tile URL with `{z}`, `{x}` and `{y}` (e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`); nil draws a clean base.
    public var tileURL: String?
    /// A Nominatim-compatible search URL (e.g. `https://nominatim.openstreetmap.org/search`); nil turns geocoding off.
    public var geocoderURL: String?
    public var version: Int64

    public init(recentDays: Int = 30, mediumDays: Int = 90, tileURL: String? = nil, geocoderURL: String? = nil, version: Int64 = 1) {
        self.recentDays = recentDays; self.mediumDays = mediumDays; self.tileURL = tileURL; self.geocoderURL = geocoderURL; self.version = version
    }

    public func validated() throws(ValidationFailure) -> MapSettings {
        var v = Validator()
        var out = self
        if !(1...3650).contains(recentDays) { v.add("recentDays", "out_of_range", ["1", "3650"]) }
        if !(1...3650).contains(mediumDays) { v.add("mediumDays", "out_of_range", ["1", "3650"]) }
        else if mediumDays <= recentDays { v.add("mediumDays", "not_after_recent") }
        out.tileURL = v.text("tileUrl", tileURL, maxLength: 500)
        if let url = out.tileURL, !["{z}", "{x}", "{y}"].allSatisfy(url.contains)
            || !Contactability.isWebURL(url.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")) {
            v.add("tileUrl", "invalid_tile_template")
        }
        out.geocoderURL = v.text("geocoderUrl", geocoderURL, maxLength: 500)
        if let url = out.geocoderURL, !Contactability.isWebURL(url) { v.add("geocoderUrl", "invalid_url") }
        try v.check()
        return out
    }

    /// The tile address for one tile.
    public func tile(z: Int, x: Int, y: Int) -> String? {
        tileURL?.replacingOccurrences(of: "{z}", with: String(z)).replacingOccurrences(of: "{x}", with: String(x))
            .replacingOccurrences(of: "{y}", with: String(y))
    }
}

/// How long ago a client was last visited, in the heat map's colours.
public enum VisitRecency: String, Sendable, CaseIterable, Codable {
    case recent, medium, old
    /// Never visited (or not in the chosen period): drawn with "!".
    case never
}

/// A box of latitudes and longitudes.
public struct GeoBox: Hashable, Sendable {
    public var south: Double, west: Double, north: Double, east: Double
    public init(south: Double, west: Double, north: Double, east: Double) {
        self.south = south; self.west = west; self.north = north; self.east = east
    }
}

/// A Web Mercator view of `width` × `height` pixels around a centre at a zoom
/// level, as slippy maps and tile servers number them (256-pixel tiles).
public struct MapView: Hashable, Sendable {
    public static let maxLatitude = 85.0511
    public let zoom: Int
    public let centerLatitude: Double
    public let centerLongitude: Double
    public let width: Double
    public let height: Double

    public init(zoom: Int, centerLatitude: Double, centerLongitude: Double, width: Double = 960, height: Double = 600) {
        self.zoom = max(1, min(18, zoom))
        self.centerLatitude = max(-Self.maxLatitude, min(Self.maxLatitude, centerLatitude))
        self.centerLongitude = max(-180, min(180, centerLongitude))
        self.width = width; self.height = height
    }

    /// The closest view that shows the whole box (a single point gets a street-level zoom).
    public static func fitting(_ box: GeoBox, width: Double = 960, height: Double = 600) -> MapView {
        let center = (lat: (box.south + box.north) / 2, lon: (box.west + box.east) / 2)
        for zoom in stride(from: 15, through: 1, by: -1) {
            let view = MapView(zoom: zoom, centerLatitude: center.lat, centerLongitude: center.lon, width: width, height: height)
            let (x0, y0) = view.point(latitude: box.north, longitude: box.west)
            let (x1, y1) = view.point(latitude: box.south, longitude: box.east)
            if x0 >= 24, y0 >= 24, x1 <= width - 24, y1 <= height - 24 { return view }
        }
        return MapView(zoom: 1, centerLatitude: center.lat, centerLongitude: center.lon, width: width, height: height)
    }

    public var worldSize: Double { 256 * pow(2, Double(zoom)) }

    /// World pixel coordinates of a position at this zoom.
    public func worldPoint(latitude: Double, longitude: Double) -> (x: Double, y: Double) {
        let lat = max(-Self.maxLatitude, min(Self.maxLatitude, latitude)) * .pi / 180
        let x = (longitude + 180) / 360 * worldSize
        let y = (1 - log(tan(lat) + 1 / cos(lat)) / .pi) / 2 * worldSize
        return (x, y)
    }

    /// Where a position falls in the view, in pixels from its top-left corner.
    public func point(latitude: Double, longitude: Double) -> (x: Double, y: Double) {
        let p = worldPoint(latitude: latitude, longitude: longitude)
        let c = worldPoint(latitude: centerLatitude, longitude: centerLongitude)
        return (p.x - c.x + width / 2, p.y - c.y + height / 2)
    }

    /// The position under a pixel of the view.
    public func position(x: Double, y: Double) -> (latitude: Double, longitude: Double) {
        let c = worldPoint(latitude: centerLatitude, longitude: centerLongitude)
        let wx = c.x + x - width / 2, wy = c.y + y - height / 2
        let longitude = wx / worldSize * 360 - 180
        let latitude = atan(sinh(.pi * (1 - 2 * wy / worldSize))) * 180 / .pi
        return (latitude, longitude)
    }

    /// The box the view shows.
    public var box: GeoBox {
        let nw = position(x: 0, y: 0), se = position(x: width, y: height)
        return GeoBox(south: max(-90, se.latitude), west: max(-180, nw.longitude), north: min(90, nw.latitude), east: min(180, se.longitude))
    }

    /// The tiles under the view with where each is drawn: (x, y, z) and its top-left pixel.
    public var tiles: [(x: Int, y: Int, z: Int, left: Double, top: Double)] {
        let c = worldPoint(latitude: centerLatitude, longitude: centerLongitude)
        let left = c.x - width / 2, top = c.y - height / 2
        let count = Int(pow(2, Double(zoom)))
        var out: [(Int, Int, Int, Double, Double)] = []
        for ty in Int(floor(top / 256))...Int(floor((top + height) / 256)) where ty >= 0 && ty < count {
            for tx in Int(floor(left / 256))...Int(floor((left + width) / 256)) {
                out.append((((tx % count) + count) % count, ty, zoom, Double(tx * 256) - left, Double(ty * 256) - top))
            }
        }
        return out
    }

    /// The same view moved by a share of its size (pan) or zoomed by `steps`.
    public func moved(dx: Double = 0, dy: Double = 0, zoomBy steps: Int = 0) -> MapView {
        let target = position(x: width / 2 + dx * width, y: height / 2 + dy * height)
        return MapView(zoom: zoom + steps, centerLatitude: target.latitude, centerLongitude: target.longitude, width: width, height: height)
    }
}
