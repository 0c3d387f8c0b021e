import CarteraCore
import Foundation
import SQLKit

/// Client types, client groups and custom field definitions.
public struct CatalogueStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    // MARK: Client types

    public func clientTypes() async throws -> [ClientType] {
        try await database.cached("clientTypes") { session in
            try await session.rows("SELECT * FROM client_types ORDER BY name_key").map { row in
                ClientType(id: try row.id("id"), name: try row.string("name"), color: try row.string("color"),
                           icon: try row.string("icon"), active: try row.bool("active"), version: try row.int("version"))
            }
        }
    }

    public func createClientType(name: String?, color: String?, icon: String?, by userID: User.ID?) async throws -> ClientType.ID {
        let (name, color, icon) = try ClientType.validate(name: name, color: color, icon: icon)
        return try await database.write { session in
            try await Self.ensureUniqueName(session, table: "client_types", name: name, except: nil)
            let id: ClientType.ID = try await session.first("""
                INSERT INTO client_types (name, name_key, color, icon) VALUES
                (\(bind: name), \(bind: Normalization.sortKey(name)), \(bind: color), \(bind: icon)) RETURNING id
                """)!.id("id")
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "client_type", entityID: id.rawValue,
                                      clientID: nil, action: "create", changes: AuditLog.diff([:], ["name": name, "color": color, "icon": icon]))
            return id
        }
    }

    public func updateClientType(_ id: ClientType.ID, name: String?, color: String?, icon: String?, active: Bool,
                                 expectedVersion: Int64, by userID: User.ID?) async throws {
        let (name, color, icon) = try ClientType.validate(name: name, color: color, icon: icon)
        try await database.write { session in
            guard let row = try await session.first("SELECT * FROM client_types WHERE id = \(bind: id.rawValue)") else {
                throw StoreError.notFound
            }
            let version = try row.int("version")
            guard version == expectedVersion else { throw StoreError.versionConflict(current: version) }
            try await Self.ensureUniqueName(session, table: "client_types", name: name, except: id.rawValue)
            try await session.run("""
                UPDATE client_types SET name = \(bind: name), name_key = \(bind: Normalization.sortKey(name)), color = \(bind: color),
                    icon = \(bind: icon), active = \(bind: active), version = version + 1 WHERE id = \(bind: id.rawValue)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "client_type", entityID: id.rawValue,
                                      clientID: nil, action: "update", changes: AuditLog.diff(
                                        ["name": try row.string("name"), "color": try row.string("color"),
                                         "icon": try row.string("icon"), "active": String(try row.bool("active"))],
                                        ["name": name, "color": color, "icon": icon, "active": String(active)]))
        }
    }

    // MARK: Client groups

    public func clientGroups() async throws -> [ClientGroup] {
        try await database.cached("clientGroups") { session in
            var members: [ClientGroup.ID: [User.ID]] = [:]
            for row in try await session.rows("SELECT group_id, user_id FROM client_group_users") {
                members[try row.id("group_id"), default: []].append(try row.id("user_id"))
            }
            return try await session.rows("SELECT * FROM client_groups ORDER BY name_key").map { row in
                let id: ClientGroup.ID = try row.id("id")
                return ClientGroup(id: id, name: try row.string("name"), active: try row.bool("active"),
                                   userIDs: (members[id] ?? []).sorted(), version: try row.int("version"))
            }
        }
    }

    public func createClientGroup(name rawName: String?, userIDs: [User.ID], by userID: User.ID?) async throws -> ClientGroup.ID {
        var v = Validator()
        let name = v.text("name", rawName, required: true, maxLength: 80) ?? ""
        try v.check()
        return try await database.write { session in
            try await Self.ensureUniqueName(session, table: "client_groups", name: name, except: nil)
            let id: ClientGroup.ID = try await session.first("""
                INSERT INTO client_groups (name, name_key) VALUES (\(bind: name), \(bind: Normalization.sortKey(name))) RETURNING id
                """)!.id("id")
            try await Self.replaceMembers(session, id, userIDs)
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "client_group", entityID: id.rawValue,
                                      clientID: nil, action: "create", changes: AuditLog.diff([:], [
                                        "name": name, "users": userIDs.map(\.description).sorted().joined(separator: ",")]))
            return id
        }
    }

    public func updateClientGroup(_ id: ClientGroup.ID, name rawName: String?, userIDs: [User.ID], active: Bool,
                                  expectedVersion: Int64, by userID: User.ID?) async throws {
        var v = Validator()
        let name = v.text("name", rawName, required: true, maxLength: 80) ?? ""
        try v.check()
        try await database.write { session in
            guard let row = try await session.first("SELECT * FROM client_groups WHERE id = \(bind: id.rawValue)") else {
                throw StoreError.notFound
            }
            let version = try row.int("version")
            guard version == expectedVersion else { throw StoreError.versionConflict(current: version) }
            try await Self.ensureUniqueName(session, table: "client_groups", name: name, except: id.rawValue)
            let before = try await session.rows("SELECT user_id FROM client_group_users WHERE group_id = \(bind: id.rawValue)")
                .map { try $0.int("user_id") }.sorted().map(String.init).joined(separator: ",")
            try await session.run("""
                UPDATE client_groups SET name = \(bind: name), name_key = \(bind: Normalization.sortKey(name)),
                    active = \(bind: active), version = version + 1 WHERE id = \(bind: id.rawValue)
                """)
            try await Self.replaceMembers(session, id, userIDs)
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "client_group", entityID: id.rawValue,
                                      clientID: nil, action: "update", changes: AuditLog.diff(
                                        ["name": try row.string("name"), "users": before, "active": String(try row.bool("active"))],
                                        ["name": name, "users": userIDs.map(\.description).sorted().joined(separator: ","),
                                         "active": String(active)]))
        }
    }

    /// Finds a group by name or creates it (command line: `--group NAME`).
    public func clientGroupID(named name: String, by userID: User.ID?) async throws -> ClientGroup.ID {
        if let found = try await clientGroups().first(where: { Normalization.sortKey($0.name) == Normalization.sortKey(name) }) {
            return found.id
        }
        return try await createClientGroup(name: name, userIDs: [], by: userID)
    }

    static func replaceMembers(_ session: Session, _ id: ClientGroup.ID, _ userIDs: [User.ID]) async throws {
        let unique = Set(userIDs)
        let known = try await session.first("SELECT COUNT(*) AS n FROM users WHERE id IN \(session.inList(unique))")!.int("n")
        if known != unique.count { throw ValidationFailure([FieldError("users", "unknown_reference")]) }
        try await session.run("DELETE FROM client_group_users WHERE group_id = \(bind: id.rawValue)")
        for user in unique {
            try await session.run("INSERT INTO client_group_users (group_id, user_id) VALUES (\(bind: id.rawValue), \(bind: user.rawValue))")
        }
    }

    static func ensureUniqueName(_ session: Session, table: String, name: String, except id: Int64?) async throws {
        if try await session.first("""
            SELECT id FROM \(ident: table) WHERE name_key = \(bind: Normalization.sortKey(name)) AND id <> \(bind: id ?? 0)
            """) != nil {
            throw ValidationFailure([FieldError("name", "duplicate")])
        }
    }

    // MARK: Custom fields

    /// Definitions for clients, active and hidden, in display order.
    public func customFields() async throws -> [CustomFieldDefinition] {
        try await database.cached("customFields") { try await Self.customFields($0) }
    }

    static func customFields(_ session: Session) async throws -> [CustomFieldDefinition] {
        try await session.rows("SELECT * FROM custom_fields WHERE entity = 'client' ORDER BY position, id").map { row in
            CustomFieldDefinition(
                id: try row.id("id"), key: try row.string("key"), labelES: try row.string("label_es"),
                labelEN: try row.string("label_en"), type: CustomFieldType(rawValue: try row.string("type")) ?? .text,
                required: try row.bool("required"), showInList: try row.bool("show_in_list"),
                choices: try row.json("choices", as: [String].self), position: Int(try row.int("position")),
                active: try row.bool("active"), version: try row.int("version"))
        }
    }

    /// Adds a custom field; its key comes from the Spanish label and never changes.
    public func createCustomField(labelES: String?, labelEN: String?, type: CustomFieldType?, required: Bool,
                                  showInList: Bool, choices: [String], by userID: User.ID?) async throws -> CustomFieldDefinition.ID {
        var v = Validator()
        let labelES = v.text("labelEs", labelES, required: true, maxLength: 80) ?? ""
        let labelEN = v.text("labelEn", labelEN, maxLength: 80) ?? ""
        let key = CustomFieldDefinition.makeKey(from: labelES)
        if !labelES.isEmpty && key.isEmpty { v.add("labelEs", "invalid_label") }
        if type == nil { v.add("type", "invalid_choice") }
        let choices = choices.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if type == .choice && choices.isEmpty { v.add("choices", "required") }
        try v.check()
        return try await database.write { session in
            if try await session.first("SELECT id FROM custom_fields WHERE entity = 'client' AND key = \(bind: key)") != nil {
                throw ValidationFailure([FieldError("labelEs", "duplicate")])
            }
            let position = try await session.first(
                "SELECT COALESCE(MAX(position), 0) + 1 AS p FROM custom_fields WHERE entity = 'client'")!.int("p")
            let id: CustomFieldDefinition.ID = try await session.first("""
                INSERT INTO custom_fields (entity, key, label_es, label_en, type, required, show_in_list, choices, position)
                VALUES ('client', \(bind: key), \(bind: labelES), \(bind: labelEN), \(bind: type!.rawValue), \(bind: required),
                        \(bind: showInList), \(bind: choices.jsonString()), \(bind: position)) RETURNING id
                """)!.id("id")
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "custom_field", entityID: id.rawValue,
                                      clientID: nil, action: "create", changes: AuditLog.diff([:], ["key": key, "type": type!.rawValue]))
            return id
        }
    }

    /// Edits labels, flags and choices; hiding keeps the data. The key and type stay.
    public func updateCustomField(_ id: CustomFieldDefinition.ID, labelES: String?, labelEN: String?, required: Bool,
                                  showInList: Bool, choices: [String], active: Bool, expectedVersion: Int64,
                                  by userID: User.ID?) async throws {
        var v = Validator()
        let labelES = v.text("labelEs", labelES, required: true, maxLength: 80) ?? ""
        let labelEN = v.text("labelEn", labelEN, maxLength: 80) ?? ""
        let choices = choices.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        try v.check()
        try await database.write { session in
            guard let before = try await Self.customFields(session).first(where: { $0.id == id }) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            if before.type == .choice && choices.isEmpty { throw ValidationFailure([FieldError("choices", "required")]) }
            try await session.run("""
                UPDATE custom_fields SET label_es = \(bind: labelES), label_en = \(bind: labelEN), required = \(bind: required),
                    show_in_list = \(bind: showInList), choices = \(bind: choices.jsonString()), active = \(bind: active),
                    version = version + 1 WHERE id = \(bind: id.rawValue)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "custom_field", entityID: id.rawValue,
                                      clientID: nil, action: "update", changes: AuditLog.diff(
                                        ["labelEs": before.labelES, "labelEn": before.labelEN, "required": String(before.required),
                                         "showInList": String(before.showInList), "active": String(before.active),
                                         "choices": before.choices.joined(separator: "|")],
                                        ["labelEs": labelES, "labelEn": labelEN, "required": String(required),
                                         "showInList": String(showInList), "active": String(active),
                                         "choices": choices.joined(separator: "|")]))
        }
    }
}
