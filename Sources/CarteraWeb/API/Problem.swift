import Foundation
import Hummingbird

/// An RFC 9457 problem document: a stable machine `code`, a `detail` in the
/// caller's language, and every invalid field for 422 answers.
struct Problem: Encodable {
    struct InvalidField: Encodable { let name: String; let code: String; let detail: String }

    let type: String
    let title: String
    let status: Int
    let code: String
    let detail: String
    let invalidFields: [InvalidField]?

    init(status: HTTPResponse.Status, code: String, detail: String, invalidFields: [InvalidField]? = nil) {
        type = "about:blank"
        title = status.reasonPhrase
        self.status = status.code
        self.code = code
        self.detail = detail
        self.invalidFields = invalidFields
    }

    func response() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/problem+json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
