import CarteraCore
import CarteraIO
import CarteraStore
import Foundation

/// One step of the delivery job: claim the next due message, pick the account
/// that sends it (its sender's, or the company's when the sender is the company
/// or the company chose to stand in), send, and record how it went. A message
/// whose account is missing or failing is held with the reason, not failed.
public struct MailDelivery: Sendable {
    /// Why a message waits; pages show these in the reader's language.
    public enum HoldReason: String, Sendable {
        case noCompanyAccount = "no_company_account"
        case noSenderAccount = "no_sender_account"
        case senderAccountFailing = "sender_account_failing"
        case companyAccountFailing = "company_account_failing"
    }

    let outbox: OutboxStore
    let accounts: MailAccountStore
    let transport: any MailTransport
    let clock: Clock

    public init(outbox: OutboxStore, accounts: MailAccountStore, transport: any MailTransport, clock: Clock = .live) {
        self.outbox = outbox; self.accounts = accounts; self.transport = transport; self.clock = clock
    }

    /// Works on one message; false when none was due.
    public func deliverNext() async throws -> Bool {
        guard let message = try await outbox.claimNext() else { return false }
        let (account, hold) = try await account(for: message)
        guard let account else {
            try await outbox.hold(message.id, reason: hold!.rawValue)
            return true
        }
        let mail = MailMessage(from: account.sender, to: message.recipients.map { MailAddress($0.address, name: $0.name) },
                               subject: message.subject, text: message.text, html: message.html, messageID: message.messageID,
                               date: clock.now())
        do {
            try await transport.send(mail, via: account.smtpSettings)
            try await outbox.markSent(message.id, from: account.fromAddress)
        } catch let failure as SMTPFailure {
            switch failure.kind {
            case .authentication:
                try await accounts.markFailing(account.owner, reason: failure.message)
                try await outbox.hold(message.id, reason: (account.owner == .company ? HoldReason.companyAccountFailing : .senderAccountFailing).rawValue)
            case .permanent: try await outbox.markFailed(message.id, reason: failure.message, permanent: true)
            case .temporary: try await outbox.markFailed(message.id, reason: failure.message, permanent: false)
            }
        } catch {
            try await outbox.markFailed(message.id, reason: "\(error)", permanent: false)
        }
        return true
    }

    /// The sender's account when it exists and works; else the company's if the message is the
    /// company's or the company stands in for its users; else the reason to hold the message.
    func account(for message: OutboxMessage) async throws -> (MailCredentials?, HoldReason?) {
        func usable(_ c: MailCredentials?) -> MailCredentials? {
            guard let c, c.failingReason == nil, !c.passwordUnreadable else { return nil }
            return c
        }
        if let sender = message.senderUserID {
            let own = try await accounts.credentials(.user(sender))
            if let own = usable(own) { return (own, nil) }
            guard try await accounts.fallsBackToCompany() else { return (nil, own == nil ? .noSenderAccount : .senderAccountFailing) }
        }
        let company = try await accounts.credentials(.company)
        if let company = usable(company) { return (company, nil) }
        return (nil, company == nil ? .noCompanyAccount : .companyAccountFailing)
    }
}

extension MailCredentials {
    public var smtpSettings: SMTPSettings {
        SMTPSettings(host: host, port: port, security: SMTPSettings.Security(rawValue: security.rawValue) ?? .starttls,
                     username: username, password: password)
    }

    public var sender: MailAddress { MailAddress(fromAddress, name: fromName) }
}
