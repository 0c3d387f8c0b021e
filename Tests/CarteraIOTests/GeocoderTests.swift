import CarteraIO
import Foundation
import Testing

@Suite("Geocoder answers")
struct GeocoderTests {
    @Test("the first Nominatim result is the place; none, or nonsense, is no place")
    func parse() throws {
        let answer = Data(#"[{"place_id": 1, "lat": "-31.4135", "lon": "-64.1811", "display_name": "Córdoba"}, {"lat": "0", "lon": "0"}]"#.utf8)
        let found = try #require(try NominatimGeocoder.parse(answer))
        #expect(found.latitude == -31.4135 && found.longitude == -64.1811)
        #expect(try NominatimGeocoder.parse(Data("[]".utf8)) == nil)
        #expect(try NominatimGeocoder.parse(Data(#"[{"lat": "200", "lon": "0"}]"#.utf8)) == nil)
        #expect(throws: (any Error).self) { try NominatimGeocoder.parse(Data("<html>".utf8)) }
    }
}
