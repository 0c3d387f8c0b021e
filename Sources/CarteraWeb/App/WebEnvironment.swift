import CarteraCore
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
    /// Imports running on this instance.
    let importJobs = ImportJobs()

    /// Loads templates, catalogues and static files from `resources`.
    public static func load(stores: Stores, resources: URL, clock: Clock = .live, secureCookies: Bool = false) async throws -> WebEnvironment {
        WebEnvironment(stores: stores,
                       renderer: try await Renderer(directory: resources.appendingPathComponent("templates")),
                       translator: try Translator(directory: resources.appendingPathComponent("locales")),
                       clock: clock, secureCookies: secureCookies,
                       staticDirectory: resources.appendingPathComponent("static"))
    }

    func t(_ language: Language) -> [String: String] { translator.catalog(language) }
}
