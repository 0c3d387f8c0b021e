import CarteraCore
import SQLKit

/// The reference checks operations share: people they name must be active
/// users, contacts they name must belong to their client.
enum References {
    static func isActiveUser(_ session: Session, _ id: User.ID) async throws -> Bool {
        try await session.first("SELECT id FROM users WHERE id = \(bind: id.rawValue) AND active = \(session.literal(true))") != nil
    }

    static func isContact(_ session: Session, _ id: Contact.ID, of clientID: Client.ID) async throws -> Bool {
        try await session.first("""
            SELECT id FROM contacts WHERE id = \(bind: id.rawValue) AND client_id = \(bind: clientID.rawValue)
            """) != nil
    }
}
