import CarteraCore
import CarteraStore
import Foundation

/// One follow-up in a list (the panel or the client card), with its actions.
struct FollowUpRow: Encodable {
    let title: String
    let description: String?
    let colour: String
    let due: String
    let late: Bool
    let done: Bool
    let doneNote: String
    let clientName: String
    let clientURL: String
    let contactName: String?
    let responsibleName: String
    let editURL: String
    let doneURL: String
    let reopenURL: String

    init(_ listing: FollowUpListing, env: WebEnvironment, context: SignedInContext) {
        let f = listing.followUp
        title = f.draft.title
        description = f.draft.description
        colour = f.draft.colour.rawValue
        due = env.dateTime(f.draft.dueAt, context)
        late = f.status == .pending && f.draft.dueAt < env.clock.now()
        done = f.status == .done
        doneNote = f.doneAt.map { env.translator.text("followup_done_at", context.language, ["when": env.dateTime($0, context)]) } ?? ""
        clientName = "\(listing.clientNumber) · \(listing.clientName)"
        clientURL = SiteURL.client(f.clientID).path
        contactName = listing.contactName
        responsibleName = listing.responsibleName
        editURL = SiteURL.editFollowUp(f.id).path
        doneURL = SiteURL.followUpDone(f.id).path
        reopenURL = SiteURL.followUpReopen(f.id).path
    }
}

/// The panel: tabs with counts, the responsible filter, the tab's follow-ups.
struct FollowUpPanelPage: Encodable {
    struct Tab: Encodable { let label: String; let count: Int; let url: String; let current: Bool }
    let tabs: [Tab]
    let tab: String
    let canFilter: Bool
    let responsibles: [Option]
    let rows: [FollowUpRow]
    let empty: Bool
    let back: String
    let exportXLSX: String?
    let exportCSV: String?
    let print: PrintHeader
}

/// The form to add or change a follow-up.
struct FollowUpFormPage: Encodable {
    let isNew: Bool
    let action: String
    let cancel: String
    let clientName: String
    let version: Int64
    let values: [String: String]
    let fieldErrors: [String: String]
    let errors: [String]
    let hasErrors: Bool
    let colours: [Option]
    let responsibles: [Option]
    let contacts: [Option]
    let reminders: [Option]

    init(form: FollowUpForm, isNew: Bool, action: String, client: Client, version: Int64, errors: FormErrors,
         users: [User], contacts: [Contact], env: WebEnvironment, context: SignedInContext) {
        let t = env.t(context.language)
        self.isNew = isNew
        self.action = action
        cancel = SiteURL.client(client.id).path + "#follow-ups"
        clientName = "\(client.clientNumber) · \(client.displayName)"
        self.version = version
        values = form.values
        fieldErrors = errors.byField
        self.errors = errors.list
        hasErrors = !errors.list.isEmpty
        colours = FollowUp.Colour.allCases.map {
            Option(value: $0.rawValue, label: t["colour_\($0.rawValue)"] ?? $0.rawValue, selected: form["colour"] == $0.rawValue)
        }
        responsibles = users.filter(\.active).map {
            Option(value: $0.id.description, label: $0.name, selected: form["responsibleId"] == $0.id.description)
        }
        self.contacts = Option.list(contacts.map { ($0.id, $0.name) }, selected: form["contactId"])
        reminders = [Option(value: "", label: t["reminder_none"] ?? "", selected: form["remindMinutesBefore"].isEmpty)]
            + FollowUpForm.reminders.map { minutes in
                Option(value: String(minutes), label: Self.reminderLabel(minutes, env: env, context: context),
                       selected: form["remindMinutesBefore"] == String(minutes))
            }
    }

    /// "15 minutos antes", "2 días antes", "a la hora".
    static func reminderLabel(_ minutes: Int, env: WebEnvironment, context: SignedInContext) -> String {
        let t = env.translator
        switch minutes {
        case 0: return t.text("reminder_at_time", context.language)
        case let m where m % 10080 == 0: return t.plural("reminder_weeks", count: m / 10080, context.language)
        case let m where m % 1440 == 0: return t.plural("reminder_days", count: m / 1440, context.language)
        case let m where m % 60 == 0: return t.plural("reminder_hours", count: m / 60, context.language)
        default: return t.plural("reminder_minutes", count: minutes, context.language)
        }
    }
}
