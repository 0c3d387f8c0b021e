import AsyncHTTPClient
import Foundation
import NIOCore

/// Finds the coordinates of an address.
public protocol Geocoding: Sendable {
    /// The best match's latitude and longitude; nil when the address is not found.
    func locate(_ address: String) async throws -> (latitude: Double, longitude: Double)?
}

/// A Nominatim-compatible search service (`…/search?q=…&format=json&limit=1`),
/// asked only when the company configured one.
public struct NominatimGeocoder: Geocoding {
    let searchURL: String
    let timeout: TimeAmount

    public init(searchURL: String, timeout: TimeAmount = .seconds(10)) { self.searchURL = searchURL; self.timeout = timeout }

    public func locate(_ address: String) async throws -> (latitude: Double, longitude: Double)? {
        guard var components = URLComponents(string: searchURL) else { throw GeocodingError.badAddress }
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "q", value: address), URLQueryItem(name: "format", value: "json"),
                                                                 URLQueryItem(name: "limit", value: "1")]
        guard let url = components.url?.absoluteString else { throw GeocodingError.badAddress }
        var request = HTTPClientRequest(url: url)
        // Nominatim's usage policy asks for an identifying user agent.
        request.headers.add(name: "User-Agent", value: "Cartera CRM (self-hosted)")
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        guard response.status == .ok else { throw GeocodingError.refused(Int(response.status.code)) }
        let body = try await response.body.collect(upTo: 1 << 20)
        return try Self.parse(Data(body.readableBytesView))
    }

    /// The first result of a Nominatim answer (`[{"lat": "-31.4", "lon": "-64.2", …}]`).
    public static func parse(_ body: Data) throws -> (latitude: Double, longitude: Double)? {
        struct Place: Decodable { let lat: String; let lon: String }
        guard let first = try JSONDecoder().decode([Place].self, from: body).first,
              let lat = Double(first.lat), let lon = Double(first.lon), (-90...90).contains(lat), (-180...180).contains(lon) else { return nil }
        return (lat, lon)
    }
}

public enum GeocodingError: Error, Equatable {
    case badAddress
    case refused(Int)
}
