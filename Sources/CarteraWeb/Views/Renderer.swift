import Foundation
import Hummingbird
import Mustache

/// Renders page models with the mustache templates (HTML-escaped by default):
/// `Encodable` models, turned into `TemplateValue`s, through the compiled
/// templates; the others through swift-mustache, which reads them by `Mirror`.
public struct Renderer: Sendable {
    let library: MustacheLibrary
    let compiled: TemplateSet

    public init(directory: URL) async throws {
        library = try await MustacheLibrary(directory: directory.path)
        compiled = try TemplateSet(directory: directory)
    }

    func html(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = library.render(model, withTemplate: template) else {
            throw HTTPError(.internalServerError, message: "template \(template) missing")
        }
        return Self.response(html, status: status)
    }

    func html(_ template: String, _ model: TemplateValue, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = compiled.renderBytes(template, model) else {
            throw HTTPError(.internalServerError, message: "template \(template) missing")
        }
        return Self.response(ByteBuffer(bytes: html), status: status)
    }

    private static func response(_ html: String, status: HTTPResponse.Status) -> Response {
        response(ByteBuffer(string: html), status: status)
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
