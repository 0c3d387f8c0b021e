import CarteraCore
import CarteraStore
import Hummingbird

/// Resolves the user of a request: a bearer token on `/api/`, the session
/// cookie elsewhere. Also settles the language of the response.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let stores: Stores

    static let sessionCookie = "cartera_session"
    static let languageCookie = "cartera_lang"

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        try await Database.readingCataloguesOnce { try await resolve(request, context: context, next: next) }
    }

    private func resolve(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        // Who is asking: a few indexed reads, on this thread (`Database.readingInline`).
        try await Database.readingInline { try await identify(request, &context) }
        return try await next(request, context)
    }

    private func identify(_ request: Request, _ context: inout WebContext) async throws {
        let requested = Language.negotiate(request.headers[.acceptLanguage])
        if request.uri.path.hasPrefix("/api/") {
            if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
               let userID = try await stores.tokens.authenticate(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)) {
                context.viewer = try await stores.users.viewer(userID)
            }
            context.language = requested ?? context.viewer?.user.language ?? .es
        } else {
            if let token = request.cookies[Self.sessionCookie]?.value, let session = try await stores.sessions.resume(token: token),
               let viewer = try await stores.users.viewer(session.userID) {
                context.viewer = viewer
                context.session = session
            }
            context.language = context.viewer?.user.language
                ?? request.cookies[Self.languageCookie].flatMap { Language(rawValue: $0.value) }
                ?? requested ?? .es
        }
    }
}
