import CarteraCore
import Foundation
import SQLKit

/// Imports contacts: a row with a contact key changes that contact; a row
/// without one adds a contact to the client named by its number. All or
/// nothing, like the client import (dry runs in rolled-back chunks), and only
/// on clients the user sees.
extension ContactStore {
    public func importContacts(headers: [String], mapping: [Int: ContactImportField], options: ClientImportOptions,
                               by viewer: Viewer, next: () throws -> [String]?) async throws -> ImportReport {
        guard viewer.can(.importData), viewer.can(.editClients) else { throw StoreError.forbidden }
        struct Rollback: Error {}
        let scope = ClientScope.of(viewer)
        let now = clock.now()
        func header(_ field: String) -> String {
            mapping.filter { $0.value.validationField == field }.keys.min().map { $0 < headers.count ? headers[$0] : "" } ?? ""
        }
        // Like the client import: a commit is one transaction; a dry run checks
        // `ClientStore.dryRunChunk` rows per rolled-back transaction.
        var report = ImportReport()
        var rowNumber = 1
        var finished = false
        while !finished {
            do {
                return try await database.write { session in
                    let importID = try await ImportLog.open(session, entity: "contact", fileName: options.fileName, by: viewer, at: now)
                    var rows = 0
                    while !options.dryRun || rows < ClientStore.dryRunChunk {
                        guard let cells = try next() else { finished = true; break }
                        rowNumber += 1
                        rows += 1
                        var values: [ContactImportField: String] = [:]
                        for (index, field) in mapping {
                            let value = index < cells.count ? cells[index].trimmed : ""
                            if !value.isEmpty || options.emptyClears { values[field] = value }
                        }
                        guard values.values.contains(where: { !$0.isEmpty }) else { continue }
                        do {
                            try await importRow(session, values, scope: scope, viewer: viewer, now: now, importID: importID,
                                                report: &report)
                        } catch let failure as ValidationFailure {
                            for error in failure.errors {
                                report.refuse(ImportRowError(row: rowNumber, column: header(error.field), error: error))
                            }
                        }
                    }
                    if options.dryRun || report.errorCount > 0 { throw Rollback() }
                    try await ImportLog.close(session, importID, report)
                    var committed = report
                    committed.committed = true
                    committed.importID = importID
                    return committed
                }
            } catch is Rollback {
                if !options.dryRun { break }
            }
        }
        return report
    }

    private func importRow(_ session: Session, _ values: [ContactImportField: String], scope: ClientScope, viewer: Viewer,
                           now: Date, importID: Int64, report: inout ImportReport) async throws {
        func value(_ field: ContactImportField, else current: String?) -> String? {
            guard let given = values[field] else { return current }
            return given.isEmpty ? nil : given
        }
        if let rawKey = values[.contactKey], !rawKey.isEmpty {
            guard let key = Int64(rawKey), let row = try await session.first("""
                SELECT k.* FROM contacts k JOIN clients c ON c.id = k.client_id
                WHERE k.contact_key = \(bind: key) AND \(scope.predicate(session))
                """) else { throw ValidationFailure([FieldError("contactKey", "not_found")]) }
            let before = try Self.contact(row)
            let fields = try Contact.validate(name: value(.name, else: before.name), role: value(.role, else: before.role),
                                              email: value(.email, else: before.email), phone: value(.phone, else: before.phone))
            guard fields.name != before.name || fields.role != before.role || fields.email != before.email
                    || fields.phone != before.phone else { report.unchanged += 1; return }
            let after = try await Self.write(session, before, fields, at: now)
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "contact", entityID: before.id.rawValue,
                                      clientID: before.clientID, action: "import_update",
                                      changes: AuditLog.diff(Self.flatten(before), Self.flatten(after)))
            try await remember(session, importID, before.id, before: before, afterVersion: after.version)
            report.updated += 1
            return
        }
        var errors: [FieldError] = []
        var clientID: Int64?
        if let raw = values[.clientNumber], let number = Int64(raw) {
            clientID = try await ClientStore.client(session, number: number, scope: scope)?.id.rawValue
            if clientID == nil { errors.append(FieldError("clientNumber", "not_found")) }
        } else {
            errors.append(FieldError("clientNumber", values[.clientNumber]?.isEmpty == false ? "invalid_integer" : "required"))
        }
        do {
            let fields = try Contact.validate(name: values[.name], role: values[.role], email: values[.email], phone: values[.phone])
            guard let clientID, errors.isEmpty else { throw ValidationFailure(errors) }
            let id = try await Self.insert(session, clientID: Client.ID(clientID), fields, at: now)
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "contact", entityID: id.rawValue,
                                      clientID: Client.ID(clientID), action: "import_create",
                                      changes: [AuditChange(field: "name", before: nil, after: fields.name)])
            try await remember(session, importID, id, before: nil, afterVersion: 1)
            report.created += 1
        } catch let failure as ValidationFailure {
            throw ValidationFailure(errors + failure.errors.filter { !errors.contains($0) })
        }
    }

    /// Keeps what a revert needs; a contact changed twice keeps its first "before".
    private func remember(_ session: Session, _ importID: Int64, _ id: Contact.ID, before: Contact?,
                          afterVersion: Int64) async throws {
        let fields = before.map { ContactFields(name: $0.name, role: $0.role, email: $0.email, phone: $0.phone).jsonString() }
        try await session.run("""
            INSERT INTO import_contact_changes (import_id, contact_id, before_fields, after_version)
            VALUES (\(bind: importID), \(bind: id.rawValue), \(bind: fields), \(bind: afterVersion))
            ON CONFLICT (import_id, contact_id) DO UPDATE SET after_version = excluded.after_version
            """)
    }
}

/// A contact's editable fields as an import found them.
struct ContactFields: Codable {
    let name: String
    let role: String?
    let email: String?
    let phone: String?
}
