import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A `multipart/form-data` post: its file part streamed to a temporary file
/// (never held in memory), its other fields kept as text.
struct Upload {
    var fields: [String: String] = [:]
    var fileName: String?
    var file: URL?

    static let maxBytes = 60 << 20

    struct TooLarge: Error {}

    static func receive(_ request: Request, fileField: String, into directory: URL) async throws -> Upload {
        guard let type = request.headers[.contentType], type.hasPrefix("multipart/form-data"),
              let boundary = type.components(separatedBy: "boundary=").last?.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        else { throw HTTPError(.unsupportedMediaType) }
        let state = UploadState(fileField: fileField, directory: directory)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in state.header(name, value) }
        parser.onBody = { buffer in state.body(&buffer) }
        parser.onPartComplete = { state.complete() }
        var total = 0
        for try await chunk in request.body {
            total += chunk.readableBytes
            guard total <= maxBytes else { state.discard(); throw TooLarge() }
            try parser.execute(chunk)
            if let error = state.failure { state.discard(); throw error }
        }
        state.close()
        return state.upload
    }
}

/// The parser's callbacks are synchronous; this holds what they collect.
private final class UploadState {
    let fileField: String
    let directory: URL
    var upload = Upload()
    var partName = ""
    var partFileName: String?
    var text = Data()
    var handle: FileHandle?
    var failure: (any Error)?

    init(fileField: String, directory: URL) { self.fileField = fileField; self.directory = directory }

    func header(_ name: String, _ value: String) {
        guard name.lowercased() == "content-disposition" else { return }
        partName = Self.parameter("name", in: value) ?? ""
        partFileName = Self.parameter("filename", in: value)
        if partName == fileField, let file = partFileName, !file.isEmpty {
            let url = directory.appendingPathComponent(UUID().uuidString + ".upload")
            handle = FileManager.default.createFile(atPath: url.path, contents: nil) ? try? FileHandle(forWritingTo: url) : nil
            upload.file = url
            upload.fileName = file
        }
    }

    func body(_ buffer: inout ByteBuffer) {
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        if let handle {
            do { try handle.write(contentsOf: bytes) } catch { failure = error }
        } else if text.count < 64 << 10 {
            text.append(contentsOf: bytes)
        }
    }

    func complete() {
        if let handle { try? handle.close(); self.handle = nil } else { upload.fields[partName] = String(decoding: text, as: UTF8.self) }
        text = Data()
        partName = ""
    }

    func close() { try? handle?.close() }

    func discard() {
        close()
        if let file = upload.file { try? FileManager.default.removeItem(at: file) }
    }

    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0] == name { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }
}
