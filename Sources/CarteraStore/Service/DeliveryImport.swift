import CarteraCore
import Foundation
import SQLKit

/// Deliveries from a spreadsheet laid out as the deliveries list downloads them: one row
/// per line (delivery, date, status, client number, code, quantity, notes). Rows naming a
/// delivery replace that delivery's date, status, notes and lines; rows without one become
/// new deliveries, one per client, date, status and notes. Codes are items of the table
/// chosen for the import. Clients and deliveries outside the viewer's scope are "not found".
/// All or nothing, like every import.
extension DeliveryStore {
    public func importDeliveries(tableID: MasterTable.ID, header: [String], rows: [[String]], commit: Bool,
                                 by viewer: Viewer) async throws -> SheetImportReport {
        guard viewer.can(.importData) else { throw StoreError.forbidden }
        guard try await database.read({ try await $0.first("SELECT id FROM master_tables WHERE id = \(bind: tableID.rawValue)") }) != nil else {
            throw ValidationFailure([FieldError("tableId", "unknown_reference")])
        }
        var report = SheetImportReport()
        let columns = Self.match(header, unknown: &report.unknownColumns)
        for (column, field) in [(ImportColumn.date, "date"), (.client, "clientNumber"), (.code, "code"), (.quantity, "quantity")]
        where !columns.values.contains(column) {
            report.problems.append(.init(row: 1, error: FieldError(field, "required")))
        }
        guard report.problems.isEmpty else { return report }
        let now = clock.now()
        return try await database.importRows(rows, commit: commit, report: report, state: [ImportGroup]()) { session, row, cells, groups, _ in
            try await Self.readRow(session, tableID, columns, cells, row: row, into: &groups, by: viewer)
        } finish: { session, groups, report in
            for group in groups {
                do {
                    try await Self.write(session, group, tableID: tableID, report: &report, by: viewer, at: now)
                } catch let failure as ValidationFailure {
                    report.problems += failure.errors.map { .init(row: group.rows[0], error: $0) }
                }
            }
        }
    }

    enum ImportColumn: Equatable, Hashable { case delivery, date, status, client, code, quantity, notes }

    /// The lines of one delivery as the file gives them, with the rows they came from.
    struct ImportGroup: Sendable {
        let deliveryID: Delivery.ID?
        let clientID: Client.ID
        let date: CalendarDate
        let status: Delivery.Status
        let notes: String?
        var lines: [Delivery.Line]
        var rows: [Int]

        /// Rows belong together when they name the same delivery or, without one, the same client, date, status and notes.
        func takes(_ other: ImportGroup) -> Bool {
            if let deliveryID { return other.deliveryID == deliveryID }
            return other.deliveryID == nil && other.clientID == clientID && other.date == date && other.status == status && other.notes == notes
        }
    }

    /// Column index → meaning. The download's description, unit and legal name columns are known and skipped.
    static func match(_ header: [String], unknown: inout [String]) -> [Int: ImportColumn] {
        var out: [Int: ImportColumn] = [:]
        for (index, raw) in header.enumerated() {
            let key = SheetImportReport.headerKey(raw)
            guard !key.isEmpty, !["razon social", "legal name", "descripcion", "description", "unidad", "unit"].contains(key) else { continue }
            let column: ImportColumn? = switch key {
            case "entrega", "delivery", "n de entrega", "delivery no", "id": .delivery
            case "fecha", "date", "fecha de entrega", "delivery date": .date
            case "estado", "status": .status
            case "n", "no", "numero", "numero de cliente", "n de cliente", "n cliente", "cliente", "client", "client number", "client no": .client
            case "codigo", "code", "articulo", "item", "item code": .code
            case "cantidad", "quantity", "qty": .quantity
            case "notas", "notes", "observaciones": .notes
            default: nil
            }
            if let column { out[index] = column } else { unknown.append(raw) }
        }
        return out
    }

    /// "Programada", "delivered"… as a person or the download writes a status.
    static func status(_ text: String) -> Delivery.Status? {
        switch Normalization.searchKey(text) {
        case "programada", "scheduled", "pendiente": .scheduled
        case "entregada", "delivered": .delivered
        case "fallida", "failed", "no entregada": .failed
        default: nil
        }
    }

    /// Checks one row (every bad cell reported at once) and adds its line to its delivery's group.
    static func readRow(_ session: Session, _ tableID: MasterTable.ID, _ columns: [Int: ImportColumn], _ cells: [String], row: Int,
                        into groups: inout [ImportGroup], by viewer: Viewer) async throws {
        func cell(_ column: ImportColumn) -> String? {
            guard let index = columns.first(where: { $0.value == column })?.key, index < cells.count else { return nil }
            let value = cells[index].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        var errors: [FieldError] = []
        var deliveryID: Delivery.ID?
        if let raw = cell(.delivery) {
            deliveryID = Delivery.ID(string: raw)
            if deliveryID == nil { errors.append(FieldError("delivery", "invalid_type")) }
        }
        let date = cell(.date).flatMap { CalendarDate.spreadsheet($0) }
        if date == nil { errors.append(FieldError("date", cell(.date) == nil ? "required" : "invalid_date")) }
        let status = cell(.status).map(Self.status) ?? .scheduled
        if status == nil { errors.append(FieldError("status", "invalid_choice")) }
        var client: Client?
        if let number = cell(.client).flatMap({ Int64($0) }) { client = try await ClientStore.client(session, number: number, scope: .of(viewer)) }
        if client == nil { errors.append(FieldError("clientNumber", cell(.client) == nil ? "required" : "not_found")) }
        var line: Delivery.Line?
        if let code = cell(.code) {
            if let (item, _) = try await MasterDataStore.lookup(session, tableID, code: code, priceListID: nil) {
                if let quantity = cell(.quantity).flatMap(FormStore.milli), quantity > 0 {
                    line = Delivery.Line(itemID: item.id, code: item.draft.code, description: item.draft.description, unit: item.draft.unit,
                                         quantityMilli: quantity)
                } else {
                    errors.append(FieldError("quantity", cell(.quantity) == nil ? "required" : "invalid_quantity", [code]))
                }
            } else {
                errors.append(FieldError("code", "unknown_item", [code]))
            }
        } else {
            errors.append(FieldError("code", "required"))
        }
        var validator = Validator()
        let notes = validator.text("notes", cell(.notes), maxLength: 4000)
        errors += validator.errors
        guard errors.isEmpty, let date, let status, let client, let line else { throw ValidationFailure(errors) }
        let read = ImportGroup(deliveryID: deliveryID, clientID: client.id, date: date, status: status, notes: notes, lines: [line], rows: [row])
        if let index = groups.firstIndex(where: { $0.takes(read) }) {
            // A named delivery's rows must agree on what is not per line.
            if let id = deliveryID, groups[index].clientID != read.clientID || groups[index].date != date || groups[index].status != status
                || groups[index].notes != notes {
                throw ValidationFailure([FieldError("delivery", "inconsistent_rows", [id.description])])
            }
            groups[index].lines.append(line)
            groups[index].rows.append(row)
        } else {
            groups.append(read)
        }
    }

    /// Creates the group's delivery, or replaces the named one's content when it differs.
    static func write(_ session: Session, _ group: ImportGroup, tableID: MasterTable.ID, report: inout SheetImportReport,
                      by viewer: Viewer, at now: Date) async throws {
        let draft = DeliveryDraft(date: group.date, status: group.status, notes: group.notes, tableID: tableID,
                                  lines: group.lines.map { .init(code: $0.code, quantity: String(Double($0.quantityMilli) / 1000)) })
        guard let id = group.deliveryID else {
            _ = try await insert(session, clientID: group.clientID, draft, group.lines, action: "import_create", by: viewer, at: now)
            report.created += 1
            return
        }
        guard let before = try await delivery(session, id, scope: .of(viewer)) else {
            throw ValidationFailure([FieldError("delivery", "not_found", [id.description])])
        }
        guard before.clientID == group.clientID else { throw ValidationFailure([FieldError("clientNumber", "delivery_other_client", [id.description])]) }
        guard before.draft != draft || before.lines != group.lines else { report.unchanged += 1; return }
        _ = try await replace(session, before, draft, group.lines, action: "import_update", by: viewer, at: now)
        report.updated += 1
    }
}
