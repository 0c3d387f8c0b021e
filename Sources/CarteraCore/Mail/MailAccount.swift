import Foundation

/// Whose mail account: the company's (notices without a collector, reminders,
/// the fallback) or one user's (a collector sends notices from their own address).
public enum MailAccountOwner: Hashable, Sendable {
    case company
    case user(User.ID)

    /// The stored key: one account per owner.
    public var key: String {
        switch self {
        case .company: "company"
        case .user(let id): "user:\(id)"
        }
    }

    public var userID: User.ID? { if case .user(let id) = self { id } else { nil } }
}

/// A mail account as shown and edited: never the password itself.
public struct MailAccount: Hashable, Sendable {
    public enum Security: String, Sendable, CaseIterable { case tls, starttls, none }

    public let owner: MailAccountOwner
    public let draft: MailAccountDraft
    public let hasPassword: Bool
    /// Why sending through it last failed with an authentication error; nil when it works.
    public let failingReason: String?
    public let version: Int64

    public init(owner: MailAccountOwner, draft: MailAccountDraft, hasPassword: Bool, failingReason: String?, version: Int64) {
        self.owner = owner; self.draft = draft; self.hasPassword = hasPassword; self.failingReason = failingReason; self.version = version
    }
}

/// What a person writes for an account. `password` nil keeps the stored one.
public struct MailAccountDraft: Hashable, Sendable {
    public var host: String
    public var port: Int
    public var security: MailAccount.Security
    public var username: String?
    public var password: String?
    public var fromName: String?
    public var fromAddress: String

    public init(host: String, port: Int, security: MailAccount.Security, username: String? = nil, password: String? = nil,
                fromName: String? = nil, fromAddress: String) {
        self.host = host; self.port = port; self.security = security; self.username = username; self.password = password
        self.fromName = fromName; self.fromAddress = fromAddress
    }

    public func validated(after parseErrors: [FieldError] = []) throws(ValidationFailure) -> MailAccountDraft {
        var v = Validator()
        var out = self
        out.host = v.text("host", host, required: true, maxLength: 253) ?? ""
        if out.host.contains(where: { $0.isWhitespace || $0 == "/" }) { v.add("host", "invalid_choice") }
        if !(1...65535).contains(port) { v.add("port", "out_of_range", ["1", "65535"]) }
        out.username = v.text("username", username, maxLength: 200)
        out.fromName = v.text("fromName", fromName, maxLength: 200)
        out.fromAddress = v.text("fromAddress", fromAddress, required: true, maxLength: 254) ?? ""
        if !out.fromAddress.isEmpty && !Contactability.isEmail(out.fromAddress) { v.add("fromAddress", "invalid_email") }
        if let password, password.count > 500 { v.add("password", "too_long", ["500"]) }
        let errors = parseErrors + v.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return out
    }
}
