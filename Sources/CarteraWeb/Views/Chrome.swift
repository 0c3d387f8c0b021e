import CarteraCore
import Foundation
import Hummingbird

/// The frame around every signed-in page: navigation, user, CSRF token, flash.
/// Builds its template value itself, as every page shows it (through `Encoder` it was
/// a fortieth of the client list's CPU).
struct Chrome: TemplateRepresentable {
    struct NavItem: TemplateRepresentable { let href: String; let label: String; let active: Bool }

    let lang: String
    let title: String
    let userName: String
    let csrf: String
    let nav: [NavItem]
    let flash: String?
    let otherLanguage: String
    let otherLanguageLabel: String
    /// Where the language switch returns to: this page.
    let back: String

    /// The sections of the top navigation.
    enum Section { case home, clients, map, contacts, followUps, activities, workOrders, assets, notes, funnel, opportunities, receivables, admin, account }

    init(lang: String, title: String, userName: String, csrf: String, nav: [NavItem], flash: String?,
         otherLanguage: String, otherLanguageLabel: String, back: String) {
        self.lang = lang; self.title = title; self.userName = userName; self.csrf = csrf; self.nav = nav; self.flash = flash
        self.otherLanguage = otherLanguage; self.otherLanguageLabel = otherLanguageLabel; self.back = back
    }

    init(_ env: WebEnvironment, _ request: Request, _ context: SignedInContext, title: String, section: Section?) {
        let t = env.t(context.language)
        var nav = [
            NavItem(href: SiteURL.clients.path, label: t["nav_clients"] ?? "", active: section == .clients),
            NavItem(href: SiteURL.map.path, label: t["nav_map"] ?? "", active: section == .map),
            NavItem(href: SiteURL.contacts.path, label: t["nav_contacts"] ?? "", active: section == .contacts),
            NavItem(href: SiteURL.followUps.path, label: t["nav_followups"] ?? "", active: section == .followUps),
            NavItem(href: SiteURL.activities.path, label: t["nav_activities"] ?? "", active: section == .activities),
            NavItem(href: SiteURL.workOrders.path, label: t["nav_work_orders"] ?? "", active: section == .workOrders),
            NavItem(href: SiteURL.assets.path, label: t["nav_assets"] ?? "", active: section == .assets),
            NavItem(href: SiteURL.notes.path, label: t["nav_notes"] ?? "", active: section == .notes),
            NavItem(href: SiteURL.funnel.path, label: t["nav_funnel"] ?? "", active: section == .funnel),
            NavItem(href: SiteURL.opportunities.path, label: t["nav_opportunities"] ?? "", active: section == .opportunities),
            NavItem(href: SiteURL.receivables.path, label: t["nav_receivables"] ?? "", active: section == .receivables),
        ]
        if context.viewer.can(.manageSettings) || context.viewer.can(.manageUsers) {
            nav.append(NavItem(href: SiteURL.admin.path, label: t["nav_admin"] ?? "", active: section == .admin))
        }
        nav.append(NavItem(href: SiteURL.account.path, label: t["nav_account"] ?? "", active: section == .account))
        self.init(lang: context.language.rawValue, title: title, userName: context.viewer.user.name,
                  csrf: context.session?.csrfSecret ?? "", nav: nav, flash: Flash.decode(request),
                  otherLanguage: context.language == .es ? "en" : "es",
                  otherLanguageLabel: context.language == .es ? "English" : "Español", back: request.uri.description)
    }

    var templateValue: TemplateValue {
        .fields(["lang": .text(lang), "title": .text(title), "userName": .text(userName), "csrf": .text(csrf),
                 "nav": .list(nav), "flash": flash.map(TemplateValue.text), "otherLanguage": .text(otherLanguage),
                 "otherLanguageLabel": .text(otherLanguageLabel), "back": .text(back)])
    }
}

extension Chrome.NavItem {
    var templateValue: TemplateValue { .fields(["href": .text(href), "label": .text(label), "active": .bool(active)]) }
}

extension WebEnvironment {
    /// Renders a signed-in page: the template receives the catalogue as `t`, the frame as
    /// `chrome`, the page as `page`, through the compiled templates (`TemplateEncoder`).
    /// Pages that swift-mustache rendered instead found every `{{name}}` through `Mirror`:
    /// three quarters of the funnel's CPU, 23 ms a page at a million clients.
    func render<Body: Encodable>(_ template: String, _ request: Request, _ context: SignedInContext, title: String,
                                 section: Chrome.Section?, _ body: Body, status: HTTPResponse.Status = .ok) throws -> Response {
        let chrome = Chrome(self, request, context, title: title, section: section)
        var response = try renderer.html(template, .object([
            "t": translator.templateCatalog(context.language), "chrome": try TemplateEncoder.encode(chrome),
            "page": try TemplateEncoder.encode(body)]), status: status)
        if chrome.flash != nil {
            response.setCookie(Cookie(name: Flash.cookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        }
        return response
    }

    /// A count with the language's digit grouping: 12.000 / 12,000.
    func count(_ value: Int, _ context: SignedInContext) -> String {
        Self.grouped(value, context.language)
    }

    /// What Foundation's number style writes for a whole number in es_AR and en_US,
    /// written by hand: the style made a locale and a formatter at each call, 1.4 %
    /// of a quick search's CPU.
    static func grouped(_ value: Int, _ language: Language) -> String {
        let digits = String(value.magnitude)
        let count = digits.utf8.count
        var out = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (count - index) % 3 == 0 { out.append(language == .es ? "." : ",") }
            out.append(digit)
        }
        return out
    }

    /// Formats an instant in the viewer's time zone and language.
    func dateTime(_ date: Date, _ context: SignedInContext) -> String {
        let style = Date.FormatStyle(date: .numeric, time: .shortened,
                                     locale: Foundation.Locale(identifier: context.language == .es ? "es_AR" : "en_US"),
                                     timeZone: TimeZone(identifier: context.viewer.user.timeZone) ?? .gmt)
        return date.formatted(style)
    }

    /// Field errors as a field → message map plus the ordered list, for forms.
    func messages(_ failure: ValidationFailure, _ language: Language, label: (String) -> String? = { _ in nil }) -> FormErrors {
        var byField: [String: String] = [:]
        var list: [String] = []
        for error in failure.errors {
            let text = translator.message(for: error, language, label: label)
            list.append(text)
            if byField[error.field] == nil { byField[error.field] = text }
        }
        return FormErrors(byField: byField, list: list)
    }
}

/// Errors of a submitted form: `byField.legalName` beside the input, `list` on top.
struct FormErrors: Encodable {
    let byField: [String: String]
    let list: [String]
    static let none = FormErrors(byField: [:], list: [])
}
