import CarteraCore
import SQLKit

/// Keeps the indexed lookup keys of a client's phones (`client_phone_tails`,
/// the last eight digits) and e-mails (`client_email_keys`, lower-cased) in
/// step with the client, so "same phone" and "same e-mail" are equality lookups.
enum ClientLookupKeys {
    static func writePhones(_ session: Session, clientID: Int64, phones: [String], replacing: Bool = true) async throws {
        try await write(session, table: "client_phone_tails", column: "tail", clientID: clientID,
                        keys: Set(phones.compactMap(Normalization.phoneTail)), replacing: replacing)
    }

    static func writeEmails(_ session: Session, clientID: Int64, emails: [String], replacing: Bool = true) async throws {
        try await write(session, table: "client_email_keys", column: "email_key", clientID: clientID,
                        keys: Set(emails.compactMap(Normalization.emailKey)), replacing: replacing)
    }

    private static func write(_ session: Session, table: String, column: String, clientID: Int64, keys: Set<String>,
                              replacing: Bool) async throws {
        if replacing { try await session.run("DELETE FROM \(ident: table) WHERE client_id = \(bind: clientID)") }
        guard !keys.isEmpty else { return }
        let rows: [SQLQueryString] = keys.sorted().map { "(\(bind: $0), \(bind: clientID))" }
        try await session.run("INSERT INTO \(ident: table) (\(ident: column), client_id) VALUES \(rows.joined(separator: ", "))")
    }
}
