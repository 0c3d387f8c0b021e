import CarteraCore
import SQLKit

/// Keeps `client_phone_tails` in step with a client's phones.
enum ClientPhoneTails {
    static func write(_ session: Session, clientID: Int64, phones: [String], replacing: Bool = true) async throws {
        if replacing { try await session.run("DELETE FROM client_phone_tails WHERE client_id = \(bind: clientID)") }
        let tails = Set(phones.compactMap(Normalization.phoneTail)).sorted()
        guard !tails.isEmpty else { return }
        let rows: [SQLQueryString] = tails.map { "(\(bind: $0), \(bind: clientID))" }
        try await session.run("INSERT INTO client_phone_tails (tail, client_id) VALUES \(rows.joined(separator: ", "))")
    }
}
