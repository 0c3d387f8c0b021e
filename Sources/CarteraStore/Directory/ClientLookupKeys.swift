import CarteraCore
import SQLKit

/// Keeps the indexed lookup keys of a client's phones (`client_phone_tails`,
/// the last eight digits) and e-mails (`client_email_keys`, lower-cased) in
/// step with the client, so "same phone" and "same e-mail" are equality lookups.
enum ClientLookupKeys {
    static func writePhones(_ session: Session, clientID: Int64, phones: [String], replacing: Bool = true) async throws {
        if replacing { try await session.run("DELETE FROM client_phone_tails WHERE client_id = \(bind: clientID)") }
        try await insert(session, table: "client_phone_tails", column: "tail", [(clientID, phoneTails(phones).sorted())])
    }

    static func writeEmails(_ session: Session, clientID: Int64, emails: [String], replacing: Bool = true) async throws {
        if replacing { try await session.run("DELETE FROM client_email_keys WHERE client_id = \(bind: clientID)") }
        try await insert(session, table: "client_email_keys", column: "email_key", [(clientID, emailKeys(emails).sorted())])
    }

    /// Both kinds of keys of many new clients (worked out with their row values), one statement per table.
    static func insert(_ session: Session, _ clients: [(clientID: Int64, values: ClientRowValues)]) async throws {
        try await insert(session, table: "client_phone_tails", column: "tail", clients.map { ($0.clientID, $0.values.phoneTails) })
        try await insert(session, table: "client_email_keys", column: "email_key", clients.map { ($0.clientID, $0.values.emailKeys) })
    }

    static func phoneTails(_ phones: [String]) -> Set<String> { Set(phones.compactMap(Normalization.phoneTail)) }
    static func emailKeys(_ emails: [String]) -> Set<String> { Set(emails.compactMap(Normalization.emailKey)) }

    private static func insert(_ session: Session, table: String, column: String, _ keys: [(Int64, [String])]) async throws {
        let rows: [[BoundCell]] = keys.flatMap { id, keys in keys.map { [.text($0), .integer(id)] } }
        _ = try await session.insert(into: table, columns: [column, "client_id"], rows: rows)
    }
}
