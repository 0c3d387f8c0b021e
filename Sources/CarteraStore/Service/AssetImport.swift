import CarteraCore
import Foundation
import SQLKit

/// Assets of one kind from a spreadsheet (the layout the assets panel downloads with
/// that kind chosen): the client by number, the name, the serial and the kind's fields.
/// A row whose client already has an asset of the kind with that serial (or, without a
/// serial, that name) updates it (empty cells leave values alone); others are created.
/// Clients outside the viewer's scope are "not found". All or nothing, like every import.
extension AssetStore {
    public func importAssets(kindID: AssetKind.ID, header: [String], rows: [[String]], commit: Bool,
                             by viewer: Viewer) async throws -> SheetImportReport {
        guard viewer.can(.importData) else { throw StoreError.forbidden }
        guard let kind = try await database.read({ try await AssetKindStore.kind($0, kindID) }) else {
            throw ValidationFailure([FieldError("kindId", "unknown_reference")])
        }
        var report = SheetImportReport()
        let columns = Self.match(header, kind: kind, unknown: &report.unknownColumns)
        for (column, field) in [(ImportColumn.client, "clientNumber"), (.name, "name")] where !columns.values.contains(column) {
            report.problems.append(.init(row: 1, error: FieldError(field, "required")))
        }
        guard report.problems.isEmpty else { return report }
        let now = clock.now()
        return try await database.importRows(rows, commit: commit, report: report) { session, cells, seen, report in
            try await Self.importRow(session, kind, columns, cells, seen: &seen, report: &report, by: viewer, at: now)
        }
    }

    enum ImportColumn: Equatable, Hashable { case client, name, serial, field(String) }

    /// Column index → meaning. The download's other columns (kind, legal name, archived) are known and skipped.
    static func match(_ header: [String], kind: AssetKind, unknown: inout [String]) -> [Int: ImportColumn] {
        var out: [Int: ImportColumn] = [:]
        for (index, raw) in header.enumerated() {
            let key = SheetImportReport.headerKey(raw)
            guard !key.isEmpty, !["tipo de equipo", "kind", "razon social", "legal name", "archivado", "archived"].contains(key) else { continue }
            let column: ImportColumn? = switch key {
            case "n", "no", "numero", "numero de cliente", "n de cliente", "n cliente", "cliente", "client", "client number", "client no": .client
            case "nombre", "name": .name
            case "n de serie", "serie", "numero de serie", "serial", "serial no", "serial number": .serial
            default:
                kind.fields.first { [$0.key.replacingOccurrences(of: "_", with: " "), SheetImportReport.headerKey($0.labelES),
                                     SheetImportReport.headerKey($0.labelEN)].contains(key) }.map { .field($0.key) }
            }
            if let column { out[index] = column } else { unknown.append(raw) }
        }
        return out
    }

    static func importRow(_ session: Session, _ kind: AssetKind, _ columns: [Int: ImportColumn], _ cells: [String], seen: inout Set<String>,
                          report: inout SheetImportReport, by viewer: Viewer, at now: Date) async throws {
        func cell(_ column: ImportColumn) -> String? {
            guard let index = columns.first(where: { $0.value == column })?.key, index < cells.count else { return nil }
            let value = cells[index].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        guard let number = cell(.client).flatMap({ Int64($0) }),
              let client = try await ClientStore.client(session, number: number, scope: .of(viewer)) else {
            throw ValidationFailure([FieldError("clientNumber", "not_found")])
        }
        let serial = cell(.serial), name = cell(.name)
        let key = "\(client.id)|" + (serial.map { "s:" + Normalization.searchKey($0) } ?? "n:" + Normalization.sortKey(name ?? ""))
        guard seen.insert(key).inserted else { throw ValidationFailure([FieldError(serial == nil ? "name" : "serial", "duplicate")]) }
        let match: SQLQueryString = serial.map { "serial = \(bind: $0)" } ?? "name_key = \(bind: Normalization.sortKey(name ?? ""))"
        let existing = try await session.first("""
            SELECT * FROM assets WHERE client_id = \(bind: client.id.rawValue) AND kind_id = \(bind: kind.id.rawValue) AND \(match)
            ORDER BY id LIMIT 1
            """).map(asset)
        var draft = existing?.draft ?? AssetDraft(kindID: kind.id, name: "")
        if let name { draft.name = name }
        if let serial { draft.serial = serial }
        for (_, column) in columns {
            if case .field(let field) = column, let value = cell(column) { draft.values[field] = .text(value) }
        }
        let checked = try draft.validated(kind: kind)
        if let existing {
            guard checked != existing.draft else { report.unchanged += 1; return }
            try await session.run("""
                UPDATE assets SET (kind_id, name, name_key, serial, field_values, search_words) = (\(values(session, checked, kind))),
                    version = version + 1, updated_at = \(session.instant(now))
                WHERE id = \(bind: existing.id.rawValue)
                """)
            _ = try await audited(session, existing, action: "import_update", by: viewer.id, at: now)
            report.updated += 1
        } else {
            _ = try await insert(session, clientID: client.id, checked, kind, action: "import_create", by: viewer.id, at: now)
            report.created += 1
        }
    }
}
