import CarteraCore
import Foundation

/// What a client's row stores beyond its draft's own fields — name, sound and tax
/// id keys, lists and custom fields as JSON, search words and digits — and its
/// phone and e-mail lookup keys, worked out apart from any session, so a bulk
/// writer can make them before its transaction (the demo, on another core while
/// the previous block is written). All but the client number's search word, which
/// is only known inside the transaction.
/// A new client may come with its last visit (the demo's clients do). A class:
/// bulk writers pass blocks of them through several arrays, and a copy of the
/// struct retained some thirty strings.
final class ClientRowValues: Sendable {
    let draft: ClientDraft
    let nameKey: String
    let nameSound: String
    let taxKey: String?
    let emails: String
    let phones: String
    let customFields: String
    let words: String
    let digits: String
    /// Its lookup keys (`ClientLookupKeys`), sorted.
    let phoneTails: [String]
    let emailKeys: [String]
    let lastVisitAt: Date?
    /// Its creation's audit changes, when its creation is audited with every field
    /// (an import's clients; the demo's record none).
    let creationChanges: CreationChanges?

    init(_ draft: ClientDraft, definitions: [CustomFieldDefinition], audited: Bool = false, lastVisitAt: Date? = nil) {
        self.draft = draft
        self.lastVisitAt = lastVisitAt
        nameKey = Normalization.sortKey(draft.legalName)
        // The sort key is the search key, where the sound key starts (NormalizationTests).
        nameSound = Normalization.soundKey(ofSearchKey: nameKey)
        taxKey = draft.taxID.map(Normalization.compactKey)
        emails = draft.emails.jsonString()
        phones = draft.phones.jsonString()
        customFields = draft.customFields.flatJSONString() ?? draft.customFields.jsonString()
        words = draft.searchWordsButNumber(definitions: definitions)
        digits = draft.searchDigits
        phoneTails = ClientLookupKeys.phoneTails(draft.phones).sorted()
        emailKeys = ClientLookupKeys.emailKeys(draft.emails).sorted()
        creationChanges = audited ? CreationChanges(draft) : nil
    }
}
