import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Sign in, sign out and the language of anonymous pages.
struct LoginController {
    let env: WebEnvironment

    func register(public router: Router<WebContext>, signedIn: RouterGroup<SignedInContext>) {
        router.get(SiteURL.login.route) { request, context in try self.page(request, context) }
        router.post(SiteURL.login.route) { request, context in try await self.login(request, context) }
        router.get(SiteURL.language.route) { request, context in self.language(request) }
        signedIn.post(SiteURL.logout.route) { _, context in try await self.logout(context) }
    }

    struct LoginPage: Encodable {
        let t: [String: String]
        let lang: String
        let csrf: String
        let email: String
        let next: String
        let error: String?
        let otherLanguage: String
        let otherLanguageLabel: String
    }

    func page(_ request: Request, _ context: WebContext, email: String = "", error: String? = nil,
              status: HTTPResponse.Status = .ok) throws -> Response {
        if context.viewer != nil { return redirect(.clients) }
        let csrf = request.cookies[CSRFMiddleware.cookie]?.value ?? Secret.generate().token
        let query = FormData.query(request)
        let model = LoginPage(t: env.t(context.language), lang: context.language.rawValue, csrf: csrf, email: email,
                              next: Self.safeNext(query["next"]), error: error,
                              otherLanguage: context.language == .es ? "en" : "es",
                              otherLanguageLabel: context.language == .es ? "English" : "Español")
        var response = try env.renderer.html("login", try TemplateEncoder.encode(model), status: status)
        response.setCookie(Cookie(name: CSRFMiddleware.cookie, value: csrf, path: "/", secure: env.secureCookies,
                                  httpOnly: true, sameSite: .lax))
        return response
    }

    func login(_ request: Request, _ context: WebContext) async throws -> Response {
        var request = request
        let form = FormData(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
        let email = form.text("email") ?? ""
        let password = form["password"] ?? ""
        let t = env.translator
        let wait = try await env.stores.sessions.loginDelay(account: email, address: context.remoteAddress)
        if wait > 0 {
            let message = t.text("login_wait", context.language, ["seconds": String(Int(wait.rounded(.up)))])
            return try page(request, context, email: email, error: message, status: .tooManyRequests)
        }
        guard let (userID, hash) = try await env.stores.users.passwordHash(email: email),
              try await Passwords.verify(password, hash: hash) else {
            try await env.stores.sessions.recordLoginFailure(account: email, address: context.remoteAddress)
            return try page(request, context, email: email, error: t.text("login_failed", context.language), status: .unauthorized)
        }
        try await env.stores.sessions.clearLoginFailures(account: email)
        let (token, _) = try await env.stores.sessions.start(userID: userID)
        var response = redirect(to: Self.safeNext(form["next"]))
        response.setCookie(Cookie(name: AuthMiddleware.sessionCookie, value: token, path: "/", secure: env.secureCookies,
                                  httpOnly: true, sameSite: .lax))
        return response
    }

    func logout(_ context: SignedInContext) async throws -> Response {
        if let session = context.session { try await env.stores.sessions.end(tokenHash: session.tokenHash) }
        var response = redirect(.login)
        response.setCookie(Cookie(name: AuthMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }

    /// Anonymous visitors choose a language with a cookie; users in their account.
    func language(_ request: Request) -> Response {
        let query = FormData.query(request)
        let language = Language(rawValue: query["to"] ?? "") ?? .es
        var response = redirect(to: Self.safeNext(query["next"]))
        response.setCookie(Cookie(name: AuthMiddleware.languageCookie, value: language.rawValue, maxAge: 365 * 86400,
                                  path: "/", httpOnly: true, sameSite: .lax))
        return response
    }

    /// Only local paths: never an open redirect to another site.
    static func safeNext(_ next: String?, fallback: String = SiteURL.clients.path) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return fallback }
        return next
    }
}
