import CarteraCore
import CarteraIO
import CarteraStore
import Foundation

/// What every controller needs: the stores, the templates, the catalogues and the clock.
public struct WebEnvironment: Sendable {
    public let stores: Stores
    public let renderer: Renderer
    public let translator: Translator
    public let clock: Clock
    /// Whether cookies are marked `Secure` (behind HTTPS).
    public let secureCookies: Bool
    public let staticDirectory: URL
    /// The address people reach Cartera at, for links in e-mails ("https://crm.example.com").
    public let publicURL: String
    /// How test messages reach the mail server (SMTP; a recorder in tests).
    public let mailTransport: any MailTransport
    /// The geocoder for the company's configured search address (Nominatim; a stand-in in tests).
    public let geocoder: @Sendable (String) -> any Geocoding
    /// Imports running on this instance.
    let importJobs = ImportJobs()

    /// Loads templates, catalogues and static files from `resources`.
    public static func load(stores: Stores, resources: URL, clock: Clock = .live, secureCookies: Bool = false,
                            publicURL: String = "http://127.0.0.1:8080", mailTransport: any MailTransport = SMTPTransport(),
                            geocoder: @escaping @Sendable (String) -> any Geocoding = { NominatimGeocoder(searchURL: $0) }) async throws -> WebEnvironment {
        WebEnvironment(stores: stores,
                       renderer: try await Renderer(directory: resources.appendingPathComponent("templates")),
                       translator: try Translator(directory: resources.appendingPathComponent("locales")),
                       clock: clock, secureCookies: secureCookies,
                       staticDirectory: resources.appendingPathComponent("static"),
                       publicURL: publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL, mailTransport: mailTransport,
                       geocoder: geocoder)
    }

    func t(_ language: Language) -> [String: String] { translator.catalog(language) }
}
