import CarteraCore
import Foundation
import Testing

@Suite("Web Mercator views")
struct MapGeometryTests {
    @Test("a position and its pixel go back and forth; the centre is the middle of the view")
    func roundTrip() {
        let view = MapView(zoom: 11, centerLatitude: -34.6037, centerLongitude: -58.3816)
        let centre = view.point(latitude: -34.6037, longitude: -58.3816)
        #expect(abs(centre.x - 480) < 1e-6 && abs(centre.y - 300) < 1e-6)
        let p = view.point(latitude: -34.55, longitude: -58.45)
        let back = view.position(x: p.x, y: p.y)
        #expect(abs(back.latitude - -34.55) < 1e-9 && abs(back.longitude - -58.45) < 1e-9)
        // North is up, east is right.
        #expect(p.y < centre.y && p.x < centre.x)
    }

    @Test("the fitted view shows the whole box; tiles cover the view")
    func fitting() {
        let box = GeoBox(south: -34.7, west: -58.6, north: -31.3, east: -64.2 + 10)
        let view = MapView.fitting(box)
        let nw = view.point(latitude: box.north, longitude: box.west), se = view.point(latitude: box.south, longitude: box.east)
        #expect(nw.x >= 0 && nw.y >= 0 && se.x <= 960 && se.y <= 600)
        #expect(MapView.fitting(box).zoom >= MapView(zoom: view.zoom + 1, centerLatitude: 0, centerLongitude: 0).zoom - 1)
        let tiles = MapView(zoom: 3, centerLatitude: 0, centerLongitude: 0).tiles
        // 960 × 600 px over 256-px tiles: 4 or 5 columns, 3 or 4 rows, every one in range.
        #expect((12...20).contains(tiles.count) && tiles.allSatisfy { (0..<8).contains($0.x) && (0..<8).contains($0.y) })
        #expect(MapSettings(tileURL: "https://t.example/{z}/{x}/{y}.png").tile(z: 3, x: 4, y: 5) == "https://t.example/3/4/5.png")
    }
}
