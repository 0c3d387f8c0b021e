import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// The user's own page: language and time zone, password, API tokens, calendar address.
struct AccountController {
    let env: WebEnvironment

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.account.route) { request, context in try await self.page(request, context) }
        group.post(SiteURL.account.route) { request, context in try await self.savePreferences(request, context) }
        group.post(SiteURL.accountLanguage.route) { request, context in try await self.switchLanguage(request, context) }
        group.post(SiteURL.password.route) { request, context in try await self.changePassword(request, context) }
        group.post(SiteURL.tokens.route) { request, context in try await self.createToken(request, context) }
        group.post("/account/tokens/:token/revoke") { request, context in try await self.revokeToken(request, context) }
    }

    struct AccountPage: Encodable {
        struct TokenRow: Encodable { let name: String; let created: String; let lastUsed: String; let revoked: Bool; let revokeURL: String }
        let name: String
        let email: String
        let languages: [Option]
        let timeZone: String
        let version: Int64
        let errors: [String]
        let passwordErrors: [String]
        let tokens: [TokenRow]
        let newToken: String?
        /// When the calendar address was made, if there is one.
        let calendarSince: String?
        let newCalendarURL: String?
    }

    func page(_ request: Request, _ context: SignedInContext, errors: [String] = [], passwordErrors: [String] = [],
              newToken: String? = nil, newCalendarURL: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let user = context.viewer.user
        let t = env.t(context.language)
        let tokens = try await env.stores.tokens.list(userID: user.id)
        let calendarSince = try await env.stores.calendarFeeds.createdAt(for: user.id)
        let model = AccountPage(
            name: user.name, email: user.email,
            languages: Language.allCases.map { Option(value: $0.rawValue, label: t["language_\($0.rawValue)"] ?? $0.rawValue,
                                                      selected: $0 == user.language) },
            timeZone: user.timeZone, version: user.version, errors: errors, passwordErrors: passwordErrors,
            tokens: tokens.map { token in
                .init(name: token.name, created: env.dateTime(token.createdAt, context),
                      lastUsed: token.lastUsedAt.map { env.dateTime($0, context) } ?? "—", revoked: token.revokedAt != nil,
                      revokeURL: SiteURL.revokeToken(token.id).path)
            }, newToken: newToken, calendarSince: calendarSince.map { env.dateTime($0, context) },
            newCalendarURL: newCalendarURL)
        return try env.render("account", request, context, title: t["nav_account"] ?? "", section: .account, model, status: status)
    }

    func savePreferences(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        let user = context.viewer.user
        var draft = UserDraft(email: user.email, name: user.name, roleIDs: user.roleIDs, accessLevel: user.accessLevel,
                              branchID: user.branchID, departmentID: user.departmentID, managerID: user.managerID,
                              language: Language(rawValue: form["language"] ?? ""), timeZone: form.text("timeZone") ?? "",
                              active: true, clientGroupIDs: user.clientGroupIDs)
        draft.name = form["name"] ?? ""
        do {
            try await env.stores.users.update(user.id, draft, expectedVersion: Int64(form["version"] ?? "") ?? 0, by: user.id)
            return redirect(.account, flash: env.translator.text("flash_saved", draft.language ?? context.language))
        } catch let failure as ValidationFailure {
            return try await page(request, context, errors: env.messages(failure, context.language).list, status: .unprocessableContent)
        } catch StoreError.versionConflict {
            return redirect(.account, flash: env.translator.text("conflict_reload", context.language))
        }
    }

    /// The header's language switch: only the language changes.
    func switchLanguage(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        guard let language = Language(rawValue: form["language"] ?? "") else {
            throw ValidationFailure([FieldError("locale", "invalid_choice")])
        }
        try await env.stores.users.setLanguage(context.viewer.id, language)
        return redirect(to: LoginController.safeNext(form["back"]))
    }

    func changePassword(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        let t = env.translator
        let current = form["current"] ?? "", new = form["new"] ?? "", repeated = form["repeat"] ?? ""
        guard let hash = try await env.stores.users.passwordHash(context.viewer.id),
              try await Passwords.verify(current, hash: hash) else {
            return try await page(request, context, passwordErrors: [t.text("password_wrong", context.language)],
                                  status: .unprocessableContent)
        }
        guard new.count >= Passwords.minimumLength else {
            return try await page(request, context, passwordErrors: [t.message(for: FieldError("password", "too_short",
                [String(Passwords.minimumLength)]), context.language)], status: .unprocessableContent)
        }
        guard new == repeated else {
            return try await page(request, context, passwordErrors: [t.text("password_mismatch", context.language)],
                                  status: .unprocessableContent)
        }
        try await env.stores.users.setPasswordHash(context.viewer.id, try await Passwords.hash(new),
                                                   keepingSession: context.session?.tokenHash)
        return redirect(.account, flash: t.text("flash_password_changed", context.language))
    }

    func createToken(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        do {
            let (_, secret) = try await env.stores.tokens.create(userID: context.viewer.id, name: form.text("name"))
            return try await page(request, context, newToken: secret)
        } catch let failure as ValidationFailure {
            return try await page(request, context, errors: env.messages(failure, context.language).list, status: .unprocessableContent)
        }
    }

    func revokeToken(_ request: Request, _ context: SignedInContext) async throws -> Response {
        guard let id = EntityID<APIToken>(string: context.parameters.get("token")) else { throw StoreError.notFound }
        try await env.stores.tokens.revoke(id, userID: context.viewer.id)
        return redirect(.account, flash: env.translator.text("flash_token_revoked", context.language))
    }
}
