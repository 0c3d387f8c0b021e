import CarteraStore
import Hummingbird

/// Every state-changing browser request carries the session's CSRF secret in
/// a `_csrf` form field (for uploads, in the action URL) or `X-CSRF-Token` header. Before sign-in (the login
/// form) the secret is a cookie the form repeats (double submit).
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = WebContext

    static let field = "_csrf"
    static let cookie = "cartera_csrf"

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head, !request.uri.path.hasPrefix("/api/") else {
            return try await next(request, context)
        }
        let expected = context.session?.csrfSecret ?? request.cookies[Self.cookie]?.value
        var request = request
        var presented = request.headers[.init("X-CSRF-Token")!]
        if presented == nil, request.headers[.contentType]?.hasPrefix("multipart/form-data") == true {
            // Uploads stream to disk, so their token rides in the form's action URL instead of the body.
            presented = FormData.query(request)[Self.field]
        } else if presented == nil {
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            presented = FormData(String(buffer: body))[Self.field]
        }
        guard let expected, !expected.isEmpty, let presented, Secret.hash(presented) == Secret.hash(expected) else {
            throw HTTPError(.forbidden, message: "CSRF check failed")
        }
        return try await next(request, context)
    }
}
