import Foundation
import Hummingbird

/// A decoded `application/x-www-form-urlencoded` body or query string.
/// Repeated keys keep every value (checkbox lists, column pickers).
public struct FormData: Sendable {
    public private(set) var pairs: [(String, String)]

    public init(_ encoded: String) {
        pairs = encoded.split(separator: "&").compactMap { part in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(kv[0]), !key.isEmpty else { return nil }
            return (key, kv.count > 1 ? Self.decode(kv[1]) ?? "" : "")
        }
    }

    /// `%00` is dropped: PostgreSQL's text cannot hold U+0000 (the statement failed, a 500), and no
    /// browser sends one from a field. Like the other control characters `Validator.text` drops.
    static func decode(_ text: Substring) -> String? {
        guard let decoded = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else { return nil }
        return decoded.contains("\0") ? decoded.replacingOccurrences(of: "\0", with: "") : decoded
    }

    public subscript(_ key: String) -> String? { pairs.first { $0.0 == key }?.1 }

    public func all(_ key: String) -> [String] { pairs.filter { $0.0 == key }.map(\.1) }

    /// The value trimmed, `nil` when empty.
    public func text(_ key: String) -> String? {
        let value = self[key]?.trimmed
        return value?.isEmpty == false ? value : nil
    }

    public func bool(_ key: String) -> Bool { ["on", "true", "1"].contains(self[key] ?? "") }

    /// Reads a form body (at most 1 MB).
    public static func from(_ request: Request) async throws -> FormData {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        return FormData(String(buffer: buffer))
    }

    /// The non-empty values as a query string in key order, for "next page" and download links that keep a list's filters.
    public static func encode(_ values: [String: String]) -> String {
        encode(pairs: values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// The non-empty pairs as a query string in their order, repeated keys kept.
    public static func encode(pairs: [(String, String)]) -> String {
        pairs.filter { !$0.1.isEmpty }.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
    }

    public static func query(_ request: Request) -> FormData {
        FormData(request.uri.query ?? "")
    }
}
