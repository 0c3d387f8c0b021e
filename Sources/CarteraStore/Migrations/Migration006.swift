import CarteraCore
import SQLKit

/// The last eight digits of every client phone, indexed: "same phone" hints
/// by equality instead of a substring search that slows with the portfolio.
enum Migration006 {
    static let migration = Migration(version: 6, name: "client_phone_tails", statements: { kind in
        [
            """
            CREATE TABLE client_phone_tails (
                tail TEXT NOT NULL, client_id {bigint} NOT NULL REFERENCES clients(id), PRIMARY KEY (tail, client_id))
            """,
            "CREATE INDEX client_phone_tails_client ON client_phone_tails (client_id)",
        ].map { DDL.expand($0, kind) }
    }, backfill: { session in
        for row in try await session.rows("SELECT id, phones FROM clients") {
            let phones = try row.json("phones", as: [String].self)
            try await ClientLookupKeys.writePhones(session, clientID: try row.int("id"), phones: phones, replacing: false)
        }
    })
}
