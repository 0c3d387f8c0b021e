import Crypto
import Foundation

/// The key that seals mail account passwords at rest (AES-GCM). Made from the
/// configured secret (`CARTERA_SECRET_KEY`), so every instance opens what another sealed.
public struct SealingKey: Sendable {
    let key: SymmetricKey

    /// Any secret text of at least 16 characters; its SHA-256 is the key.
    public init?(secret: String) {
        let trimmed = secret.trimmed
        guard trimmed.count >= 16 else { return nil }
        key = SymmetricKey(data: SHA256.hash(data: Data(trimmed.utf8)))
    }

    /// 32 random bytes as text, for a key file made on first start.
    public static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }

    func seal(_ text: String) throws -> String {
        try AES.GCM.seal(Data(text.utf8), using: key).combined!.base64EncodedString()
    }

    /// Nil when the text was sealed with another key (the secret changed) or is damaged.
    func open(_ sealed: String) -> String? {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key) else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }
}
