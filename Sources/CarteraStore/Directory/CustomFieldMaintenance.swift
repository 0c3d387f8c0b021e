import CarteraCore
import Foundation
import SQLKit

/// Schema-like changes to a custom field that touch every client holding a
/// value: changing its type (only when every value converts) and purging a
/// hidden field's data. Each runs in one transaction with one audit event.
extension CatalogueStore {
    /// Changes a field's type, converting stored values; refused, naming up to
    /// five client numbers, when any value does not fit the new type.
    public func changeCustomFieldType(_ id: CustomFieldDefinition.ID, to type: CustomFieldType, choices: [String],
                                      expectedVersion: Int64, by userID: User.ID?) async throws -> Int {
        try await database.write { session in
            let definitions = try await Self.customFields(session)
            guard var definition = definitions.first(where: { $0.id == id }) else { throw StoreError.notFound }
            guard definition.version == expectedVersion else { throw StoreError.versionConflict(current: definition.version) }
            let oldType = definition.type
            definition.type = type
            definition.choices = choices.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            definition.required = false
            if type == .choice && definition.choices.isEmpty { throw ValidationFailure([FieldError("choices", "required")]) }
            var refused: [Int64] = []
            let changed = try await Self.rewrite(session, key: definition.key, definitions: definitions.map { $0.id == id ? definition : $0 },
                                                 now: clock.now()) { number, value in
                var v = Validator()
                let converted = definition.parse(value.displayText, into: &v)
                if !v.errors.isEmpty { refused.append(number) }
                return converted
            } check: {
                guard refused.isEmpty else {
                    throw ValidationFailure([FieldError("type", "type_change_refused",
                                                        [String(refused.count), refused.prefix(5).map(String.init).joined(separator: ", ")])])
                }
            }
            try await session.run("""
                UPDATE custom_fields SET type = \(bind: type.rawValue), choices = \(bind: definition.choices.jsonString()),
                    required = \(session.literal(false)), version = version + 1 WHERE id = \(bind: id.rawValue)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "custom_field", entityID: id.rawValue,
                                      clientID: nil, action: "change_type",
                                      changes: [AuditChange(field: "type", before: oldType.rawValue, after: type.rawValue),
                                                AuditChange(field: "clients", before: nil, after: String(changed))])
            return changed
        }
    }

    /// Deletes a hidden field and its values from every client.
    public func purgeCustomField(_ id: CustomFieldDefinition.ID, expectedVersion: Int64, by userID: User.ID?) async throws -> Int {
        try await database.write { session in
            let definitions = try await Self.customFields(session)
            guard let definition = definitions.first(where: { $0.id == id }) else { throw StoreError.notFound }
            guard definition.version == expectedVersion else { throw StoreError.versionConflict(current: definition.version) }
            guard !definition.active else { throw ValidationFailure([FieldError("active", "purge_visible_field")]) }
            let remaining = definitions.filter { $0.id != id }
            let changed = try await Self.rewrite(session, key: definition.key, definitions: remaining, now: clock.now(),
                                                 transform: { _, _ in nil }, check: {})
            try await session.run("DELETE FROM custom_fields WHERE id = \(bind: id.rawValue)")
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "custom_field", entityID: id.rawValue,
                                      clientID: nil, action: "purge",
                                      changes: [AuditChange(field: definition.key, before: String(changed), after: nil)])
            return changed
        }
    }

    /// Rewrites one key's value on every client that has it, refreshing the
    /// search words; `check` runs after all values were seen, before any write.
    static func rewrite(_ session: Session, key: String, definitions: [CustomFieldDefinition], now: Date,
                        transform: (Int64, CustomFieldValue) -> CustomFieldValue?, check: () throws -> Void) async throws -> Int {
        let has: SQLQueryString = session.kind == .sqlite
            ? "json_extract(c.custom_fields, \(bind: "$.\"\(key)\"")) IS NOT NULL"
            : "jsonb_exists(c.custom_fields, \(bind: key))"
        let clients = try await session.rows("SELECT \(ClientSQL.columns(session)) FROM clients c WHERE \(has)").map(ClientSQL.client)
        var updates: [(Client, [String: CustomFieldValue])] = []
        for client in clients {
            var fields = client.draft.customFields
            fields[key] = fields[key].flatMap { transform(client.clientNumber, $0) }
            updates.append((client, fields))
        }
        try check()
        for (client, fields) in updates {
            var draft = client.draft
            draft.customFields = fields
            try await session.run("""
                UPDATE clients SET custom_fields = \(session.json(fields.jsonString())),
                    search_words = \(bind: draft.searchWords(clientNumber: client.clientNumber, definitions: definitions)),
                    version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: client.id.rawValue)
                """)
        }
        return updates.count
    }
}
