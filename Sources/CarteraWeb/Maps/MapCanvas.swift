import CarteraCore
import CarteraStore
import Foundation

/// What a map's SVG draws: tiles when a tile server is configured, a graticule
/// otherwise, and the markers; shared by the client map, the heat map and the
/// page that places a client (`map-canvas` partial).
struct MapCanvas: Encodable {
    struct Tile: Encodable { let href: String; let x: Int; let y: Int }
    struct Line: Encodable { let x1: Int; let y1: Int; let x2: Int; let y2: Int; let label: String; let lx: Int; let ly: Int }
    struct Marker: Encodable {
        let href: String; let title: String; let x: Int; let y: Int; let r: Int; let fill: String
        let count: String?; let icon: String?; let never: Bool
    }
    let title: String
    let width: Int
    let height: Int
    let tiles: [Tile]
    let attribution: String?
    let lines: [Line]
    let markers: [Marker]
    /// Clicking the map picks a spot (app.js fills the form `map-pick`).
    let pick: Bool

    /// A pan or zoom link: its label for screen readers, its symbol, where it goes.
    struct Nav: Encodable { let label: String; let url: String; let key: String }

    /// Where a map opens when no client has coordinates yet: the Americas from Mexico to Patagonia.
    static let overview = MapView(zoom: 2, centerLatitude: -15, centerLongitude: -65)

    /// The view a map link asks for (`z`, `lat`, `lon`); nil when it asks for none.
    static func requestedView(_ form: FormData) -> MapView? {
        guard let z = Int(form["z"] ?? ""), let lat = Double(form["lat"] ?? ""), let lon = Double(form["lon"] ?? "") else { return nil }
        return MapView(zoom: z, centerLatitude: lat, centerLongitude: lon)
    }

    /// Zoom in and out and pan half a view each way, as links built by `link`.
    static func navigation(_ view: MapView, t: [String: String], link: (MapView) -> String) -> [Nav] {
        [("map_zoom_in", "+", view.moved(zoomBy: 1)), ("map_zoom_out", "−", view.moved(zoomBy: -1)),
         ("map_north", "↑", view.moved(dy: -0.5)), ("map_south", "↓", view.moved(dy: 0.5)),
         ("map_west", "←", view.moved(dx: -0.5)), ("map_east", "→", view.moved(dx: 0.5))].map {
            Nav(label: t[$0.0] ?? $0.1, url: link($0.2), key: $0.1)
        }
    }

    init(view: MapView, settings: MapSettings, markers: [Marker], title: String, pick: Bool = false, t: [String: String]) {
        self.title = title
        width = Int(view.width); height = Int(view.height)
        tiles = settings.tileURL == nil ? [] : view.tiles.compactMap { tile in
            settings.tile(z: tile.z, x: tile.x, y: tile.y).map { Tile(href: $0, x: Int(tile.left), y: Int(tile.top)) }
        }
        attribution = settings.tileURL.flatMap { URL(string: $0)?.host }.map { "\(t["map_tiles_from"] ?? "") \($0)" }
        lines = settings.tileURL == nil ? Self.graticule(view) : []
        self.markers = markers
        self.pick = pick
    }

    /// Meridians and parallels at a round step for the zoom, for a plain base without tiles.
    static func graticule(_ view: MapView) -> [Line] {
        let step: Double = switch view.zoom {
        case ...3: 20
        case 4...5: 5
        case 6...7: 2
        case 8...9: 0.5
        case 10...11: 0.1
        case 12...13: 0.02
        default: 0.005
        }
        let box = view.box
        var out: [Line] = []
        var lon = (box.west / step).rounded(.up) * step
        while lon <= box.east {
            let x = Int(view.point(latitude: box.north, longitude: lon).x)
            out.append(.init(x1: x, y1: 0, x2: x, y2: Int(view.height), label: Self.degrees(lon, step), lx: x + 3, ly: Int(view.height) - 4))
            lon += step
        }
        var lat = (box.south / step).rounded(.up) * step
        while lat <= box.north {
            let y = Int(view.point(latitude: lat, longitude: box.west).y)
            out.append(.init(x1: 0, y1: y, x2: Int(view.width), y2: y, label: Self.degrees(lat, step), lx: 3, ly: y - 3))
            lat += step
        }
        return out
    }

    static func degrees(_ value: Double, _ step: Double) -> String {
        String(format: step >= 1 ? "%.0f°" : step >= 0.1 ? "%.1f°" : "%.3f°", value)
    }

}
