import CarteraCore
import CarteraStore
import Foundation

/// One activity in a list, with its actions and a plain-text copy.
struct ActivityRow: Encodable {
    let when: String
    let clientName: String
    let clientURL: String
    let contactName: String?
    let categoryName: String?
    let userName: String
    let detail: String
    let done: Bool
    let editURL: String
    let doneURL: String
    let reopenURL: String
    /// A follow-up for what is left pending, prefilled from the activity.
    let followUpURL: String
    /// A work order for what is left pending, prefilled from the activity.
    let workOrderURL: String
    /// "24/11/2026 09:30 — 12 · Ferretería López — Visita: relevar equipos"
    let copyText: String

    init(_ listing: ActivityListing, env: WebEnvironment, context: SignedInContext) {
        let a = listing.activity
        when = env.dateTime(a.draft.at, context)
        clientName = "\(listing.clientNumber) · \(listing.clientName)"
        clientURL = SiteURL.client(a.clientID).path
        contactName = listing.contactName
        categoryName = listing.categoryName
        userName = listing.userName
        detail = a.draft.detail
        done = a.status == .done
        editURL = SiteURL.editActivity(a.id).path
        doneURL = SiteURL.activityDone(a.id).path
        reopenURL = SiteURL.activityReopen(a.id).path
        let allowed = CharacterSet.alphanumerics
        let title = (listing.categoryName.map { $0 + ": " } ?? "") + String(a.draft.detail.prefix(120))
        followUpURL = SiteURL.newFollowUp(a.clientID).path + "?title="
            + (String(title.prefix(200)).addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
            + "&description=" + (a.draft.detail.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        workOrderURL = SiteURL.newWorkOrder(a.clientID).path + "?activity=\(a.id)"
        copyText = [when, clientName, listing.contactName, (listing.categoryName.map { $0 + ": " } ?? "") + a.draft.detail]
            .compactMap { $0 }.joined(separator: " — ")
    }
}

/// The activity follow-up screen: filters, the list, downloads.
struct ActivityListPage: Encodable {
    let rows: [ActivityRow]
    let empty: Bool
    let canFilter: Bool
    let people: [Option]
    let statuses: [Option]
    let values: [String: String]
    let errors: [String]
    let nextURL: String?
    let exportXLSX: String?
    let exportCSV: String?
    let back: String
    let print: PrintHeader
}

/// The fields of an activity form (the card's add form, the edit page).
struct ActivityFormFields: Encodable {
    let values: [String: String]
    let choices: ActivityFormChoices
}

/// The activity edit page.
struct ActivityFormPage: Encodable {
    let action: String
    let cancel: String
    let clientName: String
    let version: Int64
    let values: [String: String]
    let fieldErrors: [String: String]
    let errors: [String]
    let hasErrors: Bool
    let choices: ActivityFormChoices
}
