import CarteraCore
import Foundation
import SQLKit

/// Invoices from a spreadsheet (an ERP's export, or the download): client number,
/// invoice number, issue and due dates, currency, amount, balance, paid. A known
/// invoice number updates that invoice (empty cells leave it alone); a new one is
/// created. Clients outside the viewer's scope are "not found". All or nothing.
extension ReceivableStore {
    public func importReceivables(header: [String], rows: [[String]], commit: Bool, by viewer: Viewer) async throws -> SheetImportReport {
        guard viewer.can(.importData) else { throw StoreError.forbidden }
        var report = SheetImportReport()
        let columns = Self.match(header, unknown: &report.unknownColumns)
        for (column, field) in [(ImportColumn.number, "number"), (.client, "clientNumber")] where !columns.values.contains(column) {
            report.problems.append(.init(row: 1, error: FieldError(field, "required")))
        }
        guard report.problems.isEmpty else { return report }
        let now = clock.now()
        let currency = try await database.read { try await $0.first("SELECT currency FROM company")?.string("currency") } ?? "USD"
        return try await database.importRows(rows, commit: commit, report: report) { session, cells, seen, report in
            try await Self.importRow(session, columns, cells, currency: currency, seen: &seen, report: &report, by: viewer, at: now)
        }
    }

    enum ImportColumn: Equatable, Hashable { case client, number, issueDate, dueDate, currency, amount, balance, paid }

    static func match(_ header: [String], unknown: inout [String]) -> [Int: ImportColumn] {
        var out: [Int: ImportColumn] = [:]
        for (index, raw) in header.enumerated() {
            let key = SheetImportReport.headerKey(raw)
            guard !key.isEmpty, !["razon social", "legal name", "cliente nombre"].contains(key) else { continue }
            let column: ImportColumn? = switch key {
            case "n", "no", "numero de cliente", "n de cliente", "n cliente", "cliente", "client", "client number", "client no": .client
            case "factura", "invoice", "n de factura", "numero de factura", "invoice number", "invoice no", "folio", "numero": .number
            case "emision", "fecha de emision", "issue date", "issued", "fecha": .issueDate
            case "vencimiento", "fecha de vencimiento", "due date", "due": .dueDate
            case "moneda", "currency": .currency
            case "importe", "monto", "total", "amount": .amount
            case "saldo", "balance", "pendiente": .balance
            case "pagada", "pagado", "paid": .paid
            default: nil
            }
            if let column { out[index] = column } else { unknown.append(raw) }
        }
        return out
    }

    static func importRow(_ session: Session, _ columns: [Int: ImportColumn], _ cells: [String], currency defaultCurrency: String,
                          seen: inout Set<String>, report: inout SheetImportReport, by viewer: Viewer, at now: Date) async throws {
        func cell(_ column: ImportColumn) -> String? {
            guard let index = columns.first(where: { $0.value == column })?.key, index < cells.count else { return nil }
            let value = cells[index].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        var errors: [FieldError] = []
        var client: Client?
        if let number = cell(.client).flatMap({ Int64($0) }) { client = try await ClientStore.client(session, number: number, scope: .of(viewer)) }
        if client == nil { errors.append(FieldError("clientNumber", cell(.client) == nil ? "required" : "not_found")) }
        let number = cell(.number) ?? ""
        if !number.isEmpty && !seen.insert(numberKey(number)).inserted { errors.append(FieldError("number", "duplicate_in_file")) }
        let existing = try await session.first("SELECT * FROM receivables WHERE number_key = \(bind: numberKey(number))").map(receivable)
        if let existing, let client, existing.clientID != client.id { errors.append(FieldError("number", "duplicate")) }
        func date(_ column: ImportColumn, _ field: String, _ current: CalendarDate?) -> CalendarDate? {
            guard let text = cell(column) else {
                if current == nil { errors.append(FieldError(field, "required")) }
                return current
            }
            guard let date = CalendarDate.spreadsheet(text) else { errors.append(FieldError(field, "invalid_date")); return current }
            return date
        }
        let issue = date(.issueDate, "issueDate", existing?.draft.issueDate)
        let due = date(.dueDate, "dueDate", existing?.draft.dueDate)
        let currency = cell(.currency)?.uppercased() ?? existing?.draft.amount.currency ?? defaultCurrency
        if currency.count != 3 || !currency.allSatisfy(\.isLetter) { errors.append(FieldError("currency", "invalid_currency")) }
        func money(_ column: ImportColumn, _ field: String, _ current: Money?) -> Money? {
            guard let text = cell(column) else { return current }
            guard let value = Money.parse(text, currency: currency) else { errors.append(FieldError(field, "invalid_amount")); return current }
            return value
        }
        let amount = money(.amount, "amount", existing?.draft.amount)
        if amount == nil && !errors.contains(where: { $0.field == "amount" }) { errors.append(FieldError("amount", "required")) }
        // Without a balance column a new invoice owes all of it.
        let balance = money(.balance, "balance", existing?.draft.balance) ?? amount
        var paid = existing?.draft.paid ?? false
        if let text = cell(.paid) {
            if let value = SheetImportReport.yesNo(text) { paid = value } else { errors.append(FieldError("paid", "invalid_choice")) }
        }
        guard errors.isEmpty, let client, let issue, let due, let amount, let balance else { throw ValidationFailure(errors) }
        let draft = try ReceivableDraft(number: number, issueDate: issue, dueDate: due, amount: amount, balance: balance, paid: paid).validated()
        if let existing {
            guard draft != existing.draft else { report.unchanged += 1; return }
            _ = try await replace(session, existing, draft, action: "import_update", by: viewer, at: now)
            report.updated += 1
        } else {
            _ = try await insert(session, clientID: client.id, draft, action: "import_create", by: viewer, at: now)
            report.created += 1
        }
    }
}
