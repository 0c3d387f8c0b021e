import Foundation
import Hummingbird

/// Renders pages with the mustache templates (HTML-escaped by default): view models,
/// turned into `TemplateValue`s, through the compiled templates. swift-mustache, which
/// read models by `Mirror`, is now only the reference they are tested against
/// (`TemplateEquivalenceTests`).
public struct Renderer: Sendable {
    let compiled: TemplateSet

    public init(directory: URL) async throws {
        compiled = try TemplateSet(directory: directory)
    }

    func html(_ template: String, _ model: TemplateValue, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = compiled.renderBytes(template, model) else {
            throw HTTPError(.internalServerError, message: "template \(template) missing")
        }
        return Self.response(ByteBuffer(bytes: html), status: status)
    }

    private static func response(_ html: ByteBuffer, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: html))
    }
}

/// A 303 redirect after a form post.
func redirect(_ url: SiteURL, flash: String? = nil) -> Response {
    redirect(to: url.path, flash: flash)
}

func redirect(to path: String, flash: String? = nil) -> Response {
    var response = Response(status: .seeOther, headers: [.location: path])
    if let flash {
        response.setCookie(Cookie(name: Flash.cookie, value: Flash.encode(flash), maxAge: 60, path: "/", httpOnly: true,
                                  sameSite: .lax))
    }
    return response
}

/// A one-time message shown on the next page ("Cliente guardado").
enum Flash {
    static let cookie = "cartera_flash"
    static func encode(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "_")
    }
    static func decode(_ request: Request) -> String? {
        guard let value = request.cookies[cookie]?.value,
              let data = Data(base64Encoded: value.replacingOccurrences(of: "_", with: "=")) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
