import CarteraCore
import Foundation
import SQLKit
import Synchronization

/// A contact with the client it belongs to, for the central catalogue.
public struct ContactListing: Sendable, Hashable {
    public let contact: Contact
    public let clientName: String
    public let clientNumber: Int64
}

/// Contacts of clients; every read goes through the client scope.
public struct ContactStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    /// The contacts of one visible client. One statement answers both: the client's row, joined
    /// to its contacts, is missing when the client is not visible, and comes once with no contact
    /// when it has none (a check of its own was one of the card's seventeen statements).
    public func contacts(of clientID: Client.ID, scope: ClientScope) async throws -> [Contact] {
        try await database.read { session in
            let rows = try await session.rows("""
                SELECT k.* FROM clients c
                LEFT JOIN contacts k ON k.client_id = c.id AND k.archived = \(session.literal(false))
                WHERE c.id = \(bind: clientID.rawValue) AND \(scope.predicate(session))
                ORDER BY k.name_key, k.id
                """)
            guard !rows.isEmpty else { throw StoreError.notFound }
            return try rows.filter { try $0.optInt("id") != nil }.map(Self.contact)
        }
    }

    /// The central catalogue: contacts of visible clients, searched by name
    /// (word prefix), e-mail or phone digits, keyset-paged by id.
    public func catalogue(search: String?, clientID: Client.ID? = nil, after: Contact.ID?, limit: Int,
                          scope: ClientScope) async throws -> [ContactListing] {
        try await database.read { session in
            var conditions = Self.conditions(session, search: search, clientID: clientID, scope: scope)
            if let after { conditions.append("k.id > \(bind: after.rawValue)") }
            let predicate = conditions.map { "(\($0))" as SQLQueryString }.joined(separator: " AND ")
            return try await session.rows("""
                SELECT k.*, c.legal_name AS client_name, c.client_number FROM contacts k JOIN clients c ON c.id = k.client_id
                WHERE \(predicate) ORDER BY k.id LIMIT \(literal: max(1, min(limit, 500)))
                """).map(Self.listing)
        }
    }

    /// Every contact the catalogue would show for `search`, streamed in id order (exports).
    public func export(search: String?, scope: ClientScope, _ each: @escaping @Sendable (ContactListing) -> Void) async throws {
        try await database.longRead { session in
            let predicate = Self.conditions(session, search: search, clientID: nil, scope: scope)
                .map { "(\($0))" as SQLQueryString }.joined(separator: " AND ")
            let failure = Mutex<(any Error)?>(nil)
            try await session.stream("""
                SELECT k.*, c.legal_name AS client_name, c.client_number FROM contacts k JOIN clients c ON c.id = k.client_id
                WHERE \(predicate) ORDER BY k.id
                """) { row in
                do { each(try Self.listing(row)) } catch { failure.withLock { $0 = $0 ?? error } }
            }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }

    static func listing(_ row: Row) throws -> ContactListing {
        ContactListing(contact: try contact(row), clientName: try row.string("client_name"), clientNumber: try row.int("client_number"))
    }

    static func conditions(_ session: Session, search: String?, clientID: Client.ID?, scope: ClientScope) -> [SQLQueryString] {
        var conditions: [SQLQueryString] = [scope.predicate(session), "k.archived = \(session.literal(false))"]
        if let clientID { conditions.append("k.client_id = \(bind: clientID.rawValue)") }
        switch search.flatMap(SearchQuery.init) {
        case .words(let words)?:
            for word in words {
                conditions.append("""
                    (k.name_key LIKE \(bind: word + "%") OR k.name_key LIKE \(bind: "% " + word + "%")
                     OR k.email LIKE \(bind: word + "%"))
                    """)
            }
        case .digits(let digits)?:
            conditions.append("(k.phone_digits LIKE \(bind: "%" + digits + "%") OR k.contact_key = \(bind: Int64(digits) ?? -1))")
        case nil: break
        }
        return conditions
    }

    public func contact(_ id: Contact.ID, scope: ClientScope) async throws -> Contact? {
        try await database.read { try await Self.contact(session: $0, id, scope: scope) }
    }

    /// A contact by the key people see ("#12"), if its client is in the scope.
    public func contact(key: Int64, scope: ClientScope) async throws -> Contact? {
        try await database.read { session in
            try await session.first("""
                SELECT k.* FROM contacts k JOIN clients c ON c.id = k.client_id
                WHERE k.contact_key = \(bind: key) AND \(scope.predicate(session))
                """).map(Self.contact)
        }
    }

    static func contact(session: Session, _ id: Contact.ID, scope: ClientScope) async throws -> Contact? {
        try await session.first("""
            SELECT k.* FROM contacts k JOIN clients c ON c.id = k.client_id
            WHERE k.id = \(bind: id.rawValue) AND \(scope.predicate(session))
            """).map(Self.contact)
    }

    public func create(clientID: Client.ID, name: String?, role: String?, email: String?, phone: String?,
                       by viewer: Viewer) async throws -> Contact {
        guard viewer.can(.editClients) else { throw StoreError.forbidden }
        let fields = try Contact.validate(name: name, role: role, email: email, phone: phone)
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            let now = clock.now()
            let id = try await Self.insert(session, clientID: clientID, fields, at: now)
            let contact = try await Self.contact(session: session, id, scope: .all)!
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "contact", entityID: id.rawValue,
                                      clientID: clientID, action: "create", changes: AuditLog.diff([:], Self.flatten(contact)))
            return contact
        }
    }

    public func update(_ id: Contact.ID, name: String?, role: String?, email: String?, phone: String?,
                       expectedVersion: Int64, by viewer: Viewer) async throws -> Contact {
        guard viewer.can(.editClients) else { throw StoreError.forbidden }
        let fields = try Contact.validate(name: name, role: role, email: email, phone: phone)
        return try await database.write { session in
            guard let before = try await Self.contact(session: session, id, scope: .of(viewer)) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            let after = try await Self.write(session, before, fields, at: clock.now())
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "contact", entityID: id.rawValue,
                                      clientID: before.clientID, action: "update",
                                      changes: AuditLog.diff(Self.flatten(before), Self.flatten(after)))
            return after
        }
    }

    /// Deletes a contact. Contacts have no history of their own yet (activities
    /// and orders arrive with later issues, which must archive instead once referenced).
    public func delete(_ id: Contact.ID, by viewer: Viewer) async throws {
        guard viewer.can(.editClients) else { throw StoreError.forbidden }
        try await database.write { session in
            guard let before = try await Self.contact(session: session, id, scope: .of(viewer)) else { throw StoreError.notFound }
            try await Self.remove(session, id)
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "contact", entityID: id.rawValue,
                                      clientID: before.clientID, action: "delete",
                                      changes: AuditLog.diff(Self.flatten(before), [:]))
        }
    }

    /// Deletes a contact; the follow-ups, activities, projects, work orders and recurring rules that named it keep their client.
    static func remove(_ session: Session, _ id: Contact.ID) async throws {
        for table in ["follow_ups", "activities", "projects", "work_orders", "recurring_order_rules", "opportunities"] {
            try await session.run("UPDATE \(ident: table) SET contact_id = NULL WHERE contact_id = \(bind: id.rawValue)")
        }
        try await session.run("DELETE FROM contacts WHERE id = \(bind: id.rawValue)")
    }

    /// Writes validated fields over a contact and returns it as it is now.
    static func write(_ session: Session, _ before: Contact,
                      _ fields: (name: String, role: String?, email: String?, phone: String?), at now: Date) async throws -> Contact {
        try await session.run("""
            UPDATE contacts SET name = \(bind: fields.name), name_key = \(bind: Normalization.sortKey(fields.name)),
                role = \(bind: fields.role), email = \(bind: fields.email), phone = \(bind: fields.phone),
                phone_digits = \(bind: Normalization.digits(fields.phone ?? "")), version = version + 1,
                updated_at = \(session.instant(now))
            WHERE id = \(bind: before.id.rawValue)
            """)
        return try await contact(session: session, before.id, scope: .all)!
    }

    /// Inserts a validated contact with the next contact key.
    static func insert(_ session: Session, clientID: Client.ID,
                       _ fields: (name: String, role: String?, email: String?, phone: String?), at now: Date) async throws -> Contact.ID {
        let key = try await Counters.next(session, "contact")
        return try await session.first("""
            INSERT INTO contacts (contact_key, client_id, name, name_key, role, email, phone, phone_digits, created_at, updated_at)
            VALUES (\(bind: key), \(bind: clientID.rawValue), \(bind: fields.name), \(bind: Normalization.sortKey(fields.name)),
                    \(bind: fields.role), \(bind: fields.email), \(bind: fields.phone),
                    \(bind: Normalization.digits(fields.phone ?? "")), \(session.instant(now)), \(session.instant(now)))
            RETURNING id
            """)!.id("id")
    }

    static func contact(_ row: Row) throws -> Contact {
        Contact(id: try row.id("id"), contactKey: try row.int("contact_key"), clientID: try row.id("client_id"),
                name: try row.string("name"), role: try row.optString("role"), email: try row.optString("email"),
                phone: try row.optString("phone"), archived: try row.bool("archived"), version: try row.int("version"))
    }

    static func flatten(_ k: Contact) -> [String: String] {
        var out = ["contactKey": String(k.contactKey), "name": k.name]
        out["role"] = k.role
        out["email"] = k.email
        out["phone"] = k.phone
        return out
    }
}
