import Hummingbird

/// Headers every answer carries: no MIME sniffing, no framing by other sites,
/// no referrer leaking client ids, scripts and styles only from this server.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' https: data:; frame-ancestors 'none'; form-action 'self'"
        return response
    }
}
