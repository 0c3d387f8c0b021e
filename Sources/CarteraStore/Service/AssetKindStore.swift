import CarteraCore
import Foundation
import SQLKit

/// The admin's catalogue of asset kinds and their fields. A field's key and
/// type are fixed once it exists (values are stored under the key); its labels,
/// "required", choices and visibility can change.
public struct AssetKindStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    public func kinds() async throws -> [AssetKind] {
        try await database.cached("assetKinds") { session in
            try await session.rows("SELECT * FROM asset_kinds ORDER BY name_key").map(Self.kind)
        }
    }

    public func kind(_ id: AssetKind.ID) async throws -> AssetKind? {
        try await database.read { try await Self.kind($0, id) }
    }

    /// A field made with its kind (`create(name:fields:by:)`).
    public struct NewField: Sendable {
        public let labelES: String, labelEN: String, type: CustomFieldType, required: Bool, choices: [String]
        public init(labelES: String, labelEN: String, type: CustomFieldType, required: Bool, choices: [String]) {
            self.labelES = labelES; self.labelEN = labelEN; self.type = type; self.required = required; self.choices = choices
        }
    }

    /// A kind, with its first fields in the same write: a field refused refuses the kind
    /// (its errors named `fields.<index>.<field>`), so nothing is left half made.
    public func create(name: String, fields new: [NewField] = [], by userID: User.ID?) async throws -> AssetKind {
        var v = Validator()
        let name = v.text("name", name, required: true, maxLength: 100) ?? ""
        var errors = v.errors
        var fields: [CustomFieldDefinition] = []
        for (index, field) in new.enumerated() {
            do {
                fields = try fields.adding(labelES: field.labelES, labelEN: field.labelEN, type: field.type, required: field.required,
                                           choices: field.choices, reserved: Self.reserved)
            } catch {
                errors += error.errors.map { FieldError("fields.\(index).\($0.field)", $0.code, $0.arguments) }
            }
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return try await database.write { session in
            try await Self.checkUnique(session, name, except: nil)
            let id: AssetKind.ID = try await session.first("""
                INSERT INTO asset_kinds (name, name_key, fields)
                VALUES (\(bind: name), \(bind: Normalization.sortKey(name)), \(session.json(Self.encode(fields))))
                RETURNING id
                """)!.id("id")
            var changes = [AuditChange(field: "name", before: nil, after: name)]
            if !fields.isEmpty { changes.append(AuditChange(field: "fields", before: nil, after: Self.encode(fields))) }
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "asset_kind", entityID: id.rawValue, clientID: nil,
                                      action: "create", changes: changes)
            return try await Self.kind(session, id)!
        }
    }

    /// Renames or (de)activates a kind; an inactive kind is not offered for new assets.
    public func update(_ id: AssetKind.ID, name: String, active: Bool, expectedVersion: Int64, by userID: User.ID?) async throws -> AssetKind {
        var v = Validator()
        let name = v.text("name", name, required: true, maxLength: 100) ?? ""
        try v.check()
        return try await database.write { session in
            let before = try await Self.locked(session, id, expectedVersion)
            try await Self.checkUnique(session, name, except: id)
            try await session.run("""
                UPDATE asset_kinds SET name = \(bind: name), name_key = \(bind: Normalization.sortKey(name)), active = \(bind: active),
                    version = version + 1 WHERE id = \(bind: id.rawValue)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "asset_kind", entityID: id.rawValue, clientID: nil,
                                      action: "update", changes: AuditLog.diff(["name": before.name, "active": "\(before.active)"],
                                                                               ["name": name, "active": "\(active)"]))
            return try await Self.kind(session, id)!
        }
    }

    /// Adds a field (its key from the Spanish label).
    public func addField(_ id: AssetKind.ID, labelES: String, labelEN: String, type: CustomFieldType, required: Bool,
                         choices: [String], expectedVersion: Int64, by userID: User.ID?) async throws -> AssetKind {
        try await database.write { session in
            let before = try await Self.locked(session, id, expectedVersion)
            let fields = try before.fields.adding(labelES: labelES, labelEN: labelEN, type: type, required: required, choices: choices,
                                                  reserved: Self.reserved)
            return try await Self.save(session, before, fields: fields, action: "add_field", by: userID, at: clock.now())
        }
    }

    /// Changes what may change of a field: labels, required, choices (for choice fields), visibility.
    public func updateField(_ id: AssetKind.ID, key: String, labelES: String, labelEN: String, required: Bool, choices: [String],
                            active: Bool, expectedVersion: Int64, by userID: User.ID?) async throws -> AssetKind {
        try await database.write { session in
            let before = try await Self.locked(session, id, expectedVersion)
            guard let fields = try before.fields.updating(key: key, labelES: labelES, labelEN: labelEN, required: required,
                                                          choices: choices, active: active) else { throw StoreError.notFound }
            return try await Self.save(session, before, fields: fields, action: "update_field", by: userID, at: clock.now())
        }
    }

    /// Keys an asset has of its own, which no field may take.
    static let reserved: Set<String> = ["name", "serial"]

    // MARK: SQL

    static func save(_ session: Session, _ before: AssetKind, fields: [CustomFieldDefinition], action: String, by userID: User.ID?,
                     at now: Date) async throws -> AssetKind {
        try await session.run("""
            UPDATE asset_kinds SET fields = \(session.json(encode(fields))), version = version + 1 WHERE id = \(bind: before.id.rawValue)
            """)
        try await AuditLog.record(session, at: now, userID: userID, entity: "asset_kind", entityID: before.id.rawValue, clientID: nil,
                                  action: action, changes: AuditLog.diff(["fields": encode(before.fields)], ["fields": encode(fields)]))
        return try await kind(session, before.id)!
    }

    static func locked(_ session: Session, _ id: AssetKind.ID, _ expectedVersion: Int64) async throws -> AssetKind {
        guard let kind = try await kind(session, id) else { throw StoreError.notFound }
        guard kind.version == expectedVersion else { throw StoreError.versionConflict(current: kind.version) }
        return kind
    }

    static func checkUnique(_ session: Session, _ name: String, except id: AssetKind.ID?) async throws {
        if let row = try await session.first("SELECT id FROM asset_kinds WHERE name_key = \(bind: Normalization.sortKey(name))"),
           try row.id("id") as AssetKind.ID != id {
            throw ValidationFailure([FieldError("name", "duplicate")])
        }
    }

    static func encode(_ fields: [CustomFieldDefinition]) -> String {
        String(decoding: try! JSONEncoder().encode(fields), as: UTF8.self)
    }

    static func kind(_ session: Session, _ id: AssetKind.ID) async throws -> AssetKind? {
        try await session.first("SELECT * FROM asset_kinds WHERE id = \(bind: id.rawValue)").map(kind)
    }

    static func kind(_ row: Row) throws -> AssetKind {
        AssetKind(id: try row.id("id"), name: try row.string("name"),
                  fields: try row.json("fields", as: [CustomFieldDefinition].self), active: try row.bool("active"),
                  version: try row.int("version"))
    }
}
