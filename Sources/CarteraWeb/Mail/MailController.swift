import CarteraCore
import CarteraIO
import CarteraJobs
import CarteraStore
import Foundation
import Hummingbird

/// Mail accounts and the outbox in the browser: the company's account and the
/// outbox (sent, pending, held, failed, with resend) in administration; each
/// user's own account (a collector's notices go out from it) and their messages
/// on "My account". Both send a test message at once, without the outbox.
struct MailController {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.adminMail.route) { request, context in try await self.page(request, context, owner: .company) }
        group.post(SiteURL.adminMail.route) { request, context in try await self.save(request, context, owner: .company) }
        group.post(SiteURL.adminMailTest.route) { request, context in try await self.test(request, context, owner: .company) }
        group.post(SiteURL.adminMailFallback.route) { request, context in try await self.setFallback(request, context) }
        group.post("/admin/mail/outbox/:message/resend") { request, context in try await self.resend(request, context) }
        group.get(SiteURL.accountMail.route) { request, context in
            try await self.page(request, context, owner: .user(context.viewer.id))
        }
        group.post(SiteURL.accountMail.route) { request, context in
            try await self.save(request, context, owner: .user(context.viewer.id))
        }
        group.post(SiteURL.accountMailTest.route) { request, context in
            try await self.test(request, context, owner: .user(context.viewer.id))
        }
    }

    struct Page: Encodable {
        struct MessageRow: Encodable {
            let subject: String
            let recipients: String
            let created: String
            let status: String
            let statusLabel: String
            let detail: String?
            let resendURL: String?
        }
        let title: String
        let isCompany: Bool
        let action: String
        let testAction: String
        let version: String
        let values: [String: String]
        let securities: [Option]
        let hasPassword: Bool
        let failingReason: String?
        let errors: FormErrors
        let notice: String?
        let fallback: Bool
        let tabs: [Option]
        let counts: String
        let messages: [MessageRow]
    }

    func page(_ request: Request, _ context: SignedInContext, owner: MailAccountOwner, form: FormData? = nil, errors: FormErrors = .none,
              notice: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        if owner == .company { try context.require(.manageSettings) }
        let t = env.t(context.language)
        let account = try await env.stores.mailAccounts.account(owner)
        let d = account?.draft
        let values = form.map { f in Self.fields.reduce(into: [String: String]()) { $0[$1] = f[$1] ?? "" } } ?? [
            "host": d?.host ?? "", "port": d.map { String($0.port) } ?? "587", "security": d?.security.rawValue ?? "starttls",
            "username": d?.username ?? "", "fromName": d?.fromName ?? "", "fromAddress": d?.fromAddress ?? context.viewer.user.email,
        ]
        let query = FormData.query(request)
        let shown = OutboxMessage.Status(rawValue: query["status"] ?? "")
        let sender = owner.userID
        let messages = try await env.stores.outbox.list(status: shown, senderUserID: sender, by: context.viewer, limit: 100)
        let counts = try await env.stores.outbox.counts(senderUserID: sender)
        let base = owner == .company ? SiteURL.adminMail.path : SiteURL.accountMail.path
        let page = Page(
            title: t[owner == .company ? "mail_company_title" : "mail_own_title"] ?? "", isCompany: owner == .company,
            action: base, testAction: owner == .company ? SiteURL.adminMailTest.path : SiteURL.accountMailTest.path,
            version: form?["version"] ?? account.map { String($0.version) } ?? "", values: values,
            securities: MailAccount.Security.allCases.map {
                Option(value: $0.rawValue, label: t["mail_security_\($0.rawValue)"] ?? $0.rawValue, selected: values["security"] == $0.rawValue)
            },
            hasPassword: account?.hasPassword ?? false, failingReason: account?.failingReason, errors: errors, notice: notice,
            fallback: owner == .company ? try await env.stores.mailAccounts.fallsBackToCompany() : false,
            tabs: [Option(value: base, label: t["any"] ?? "", selected: shown == nil)] + OutboxMessage.Status.allCases.map { s in
                Option(value: base + "?status=" + s.rawValue, label: "\(t["outbox_status_\(s.rawValue)"] ?? s.rawValue) (\(counts[s] ?? 0))",
                       selected: shown == s)
            },
            counts: env.translator.text("outbox_counts", context.language, [
                "pending": String((counts[.pending] ?? 0) + (counts[.sending] ?? 0)), "held": String(counts[.held] ?? 0),
                "failed": String(counts[.failed] ?? 0), "sent": String(counts[.sent] ?? 0)]),
            messages: messages.map { m in
                Page.MessageRow(
                    subject: m.subject, recipients: m.recipients.map(\.address).joined(separator: ", "), created: env.dateTime(m.createdAt, context),
                    status: m.status.rawValue, statusLabel: t["outbox_status_\(m.status.rawValue)"] ?? m.status.rawValue,
                    detail: m.status == .sent ? m.sentAt.map { env.dateTime($0, context) + (m.sentFrom.map { " · " + $0 } ?? "") }
                        : m.lastError.map { t["outbox_reason_\($0)"] ?? $0 },
                    resendURL: owner == .company && (m.status == .failed || m.status == .held) ? SiteURL.resendMail(m.id).path : nil)
            })
        return try env.render("mail", request, context, title: page.title, section: owner == .company ? .admin : .account, page, status: status)
    }

    static let fields = ["host", "port", "security", "username", "fromName", "fromAddress"]

    func draft(_ form: FormData) throws(ValidationFailure) -> MailAccountDraft {
        var errors: [FieldError] = []
        let port = Int(form["port"] ?? "")
        if port == nil { errors.append(FieldError("port", "invalid_integer")) }
        let security = MailAccount.Security(rawValue: form["security"] ?? "")
        if security == nil { errors.append(FieldError("security", "invalid_choice")) }
        let password = form["password"] ?? ""
        return try MailAccountDraft(host: form["host"] ?? "", port: port ?? 0, security: security ?? .starttls, username: form["username"],
                                    password: password.isEmpty ? nil : password, fromName: form["fromName"],
                                    fromAddress: form["fromAddress"] ?? "").validated(after: errors)
    }

    func save(_ request: Request, _ context: SignedInContext, owner: MailAccountOwner) async throws -> Response {
        let form = try await FormData.from(request)
        do {
            try await env.stores.mailAccounts.save(owner, try draft(form), expectedVersion: Int64(form["version"] ?? ""), by: context.viewer)
            return redirect(to: owner == .company ? SiteURL.adminMail.path : SiteURL.accountMail.path,
                            flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            return try await page(request, context, owner: owner, form: form, errors: env.messages(failure, context.language),
                                  status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return try await page(request, context, owner: owner, form: form,
                                  errors: FormErrors(byField: [:], list: [env.translator.text("conflict_reload", context.language)]),
                                  status: .conflict)
        }
    }

    /// Sends a message to the signed-in user through the stored account, now, and says how it went.
    func test(_ request: Request, _ context: SignedInContext, owner: MailAccountOwner) async throws -> Response {
        if owner == .company { try context.require(.manageSettings) }
        let language = context.language
        guard let account = try await env.stores.mailAccounts.credentials(owner) else {
            return try await page(request, context, owner: owner, notice: env.translator.text("mail_test_no_account", language),
                                  status: .unprocessableContent)
        }
        let user = context.viewer.user
        let (subject, text) = MailTexts(env: env).test(to: user)
        let message = MailMessage(from: account.sender, to: [MailAddress(user.email, name: user.name)], subject: subject, text: text,
                                  messageID: UUID().uuidString.lowercased() + "@cartera", date: env.clock.now())
        do {
            try await env.mailTransport.send(message, via: account.smtpSettings)
            return try await page(request, context, owner: owner,
                                  notice: env.translator.text("mail_test_sent", language, ["email": user.email]))
        } catch let failure as SMTPFailure {
            return try await page(request, context, owner: owner,
                                  notice: env.translator.text("mail_test_failed", language, ["reason": failure.message]), status: .badGateway)
        }
    }

    func setFallback(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        try await env.stores.mailAccounts.setFallback(form.bool("fallback"), by: context.viewer)
        return redirect(.adminMail, flash: env.translator.text("flash_saved", context.language))
    }

    func resend(_ request: Request, _ context: SignedInContext) async throws -> Response {
        guard let id = OutboxMessage.ID(string: context.parameters.get("message")) else { throw StoreError.notFound }
        do {
            try await env.stores.outbox.resend(id, by: context.viewer)
            return redirect(.adminMail, flash: env.translator.text("flash_mail_resend", context.language))
        } catch let failure as ValidationFailure {
            return redirect(.adminMail, flash: env.messages(failure, context.language).list.joined(separator: " "))
        }
    }
}
