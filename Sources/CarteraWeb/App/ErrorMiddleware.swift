import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Turns errors into answers: problem+json under `/api/`, a page elsewhere,
/// a redirect to the login page when a page needs a user.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let env: WebEnvironment

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let api = request.uri.path.hasPrefix("/api/")
            let language = context.language
            let t = env.translator
            switch error {
            case is SignInRequired:
                if api { return Problem(status: .unauthorized, code: "unauthorized", detail: t.text("problem_unauthorized", language)).response() }
                let next = request.uri.path == "/" ? "" : "?next=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                return redirect(to: SiteURL.login.path + next)
            case StoreError.notFound:
                return answer(api, .notFound, "not_found", t.text("problem_not_found", language), language)
            case StoreError.forbidden:
                return answer(api, .forbidden, "forbidden", t.text("problem_forbidden", language), language)
            case StoreError.idempotencyKeyReused:
                return answer(api, .unprocessableContent, "idempotency_key_reused", t.text("problem_idempotency", language), language)
            case StoreError.versionConflict:
                return answer(api, .preconditionFailed, "version_conflict", t.text("problem_version_conflict", language), language)
            case let failure as ValidationFailure:
                let fields = failure.errors.map {
                    Problem.InvalidField(name: $0.field, code: $0.code, detail: t.message(for: $0, language))
                }
                if api {
                    return Problem(status: .unprocessableContent, code: "invalid_fields", detail: t.text("problem_invalid", language),
                                   invalidFields: fields).response()
                }
                return page(.unprocessableContent, fields.map(\.detail).joined(separator: " · "), language)
            case let http as HTTPError:
                let detail = http.body ?? http.status.reasonPhrase
                return answer(api, http.status, "http_\(http.status.code)", detail, language)
            case is DecodingError:
                return answer(api, .badRequest, "bad_request", t.text("problem_bad_request", language), language)
            default:
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
                return answer(api, .internalServerError, "internal", t.text("problem_internal", language), language)
            }
        }
    }

    func answer(_ api: Bool, _ status: HTTPResponse.Status, _ code: String, _ detail: String, _ language: Language) -> Response {
        api ? Problem(status: status, code: code, detail: detail).response() : page(status, detail, language)
    }

    func page(_ status: HTTPResponse.Status, _ detail: String, _ language: Language) -> Response {
        struct ErrorPage: Encodable { let t: [String: String]; let lang: String; let status: Int; let detail: String }
        let model = ErrorPage(t: env.t(language), lang: language.rawValue, status: status.code, detail: detail)
        return (try? env.renderer.html("error", TemplateEncoder.encode(model), status: status)) ?? Response(status: status)
    }
}
