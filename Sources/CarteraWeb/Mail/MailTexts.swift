import CarteraCore
import CarteraStore
import Foundation

/// The words of the messages Cartera writes itself, in the recipient's language,
/// with links back to the page at `publicURL`.
public struct MailTexts: Sendable {
    let translator: Translator
    let publicURL: String

    public init(env: WebEnvironment) { translator = env.translator; publicURL = env.publicURL }

    /// "Recordatorio: Llamar por la cotización" to the follow-up's responsible, from the company's account.
    public func followUpReminder(_ due: DueReminder) -> OutboxDraft {
        let user = due.responsible, listing = due.listing, f = listing.followUp
        let language = user.language
        let zone = TimeZone(identifier: user.timeZone) ?? .gmt
        let when = f.draft.dueAt.formatted(Date.FormatStyle(date: .complete, time: .shortened,
                                                            locale: Locale(identifier: language == .es ? "es_AR" : "en_US"), timeZone: zone))
        let link = publicURL + SiteURL.editFollowUp(f.id).path
        let client = "\(listing.clientNumber) · \(listing.clientName)"
        let lines = [
            translator.text("mail_reminder_intro", language, ["name": user.name]),
            "",
            f.draft.title,
            translator.text("mail_reminder_when", language, ["when": when]),
            translator.text("mail_reminder_client", language, ["client": client]),
        ] + (listing.contactName.map { [translator.text("mail_reminder_contact", language, ["contact": $0])] } ?? [])
          + (f.draft.description.map { ["", $0] } ?? [])
          + ["", translator.text("mail_reminder_link", language, ["link": link])]
        let html = """
            <p>\(Self.escape(lines[0]))</p><p><strong>\(Self.escape(f.draft.title))</strong><br>\(Self.escape(lines[3]))<br>\(Self.escape(lines[4]))\
            \(listing.contactName.map { "<br>" + Self.escape(translator.text("mail_reminder_contact", language, ["contact": $0])) } ?? "")</p>\
            \(f.draft.description.map { "<p>" + Self.escape($0).replacingOccurrences(of: "\n", with: "<br>") + "</p>" } ?? "")\
            <p><a href="\(Self.escape(link))">\(Self.escape(translator.text("mail_reminder_open", language)))</a></p>
            """
        return OutboxDraft(kind: "follow_up_reminder", dedupeKey: nil, senderUserID: nil,
                           recipients: [.init(user.email, name: user.name)],
                           subject: translator.text("mail_reminder_subject", language, ["title": f.draft.title]),
                           text: lines.joined(separator: "\n"), html: html, clientID: f.clientID)
    }

    /// The test message of an account's page.
    func test(to user: User) -> (subject: String, text: String) {
        (translator.text("mail_test_subject", user.language), translator.text("mail_test_body", user.language, ["name": user.name]))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
