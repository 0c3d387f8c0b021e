import CarteraCore
import Foundation

/// Items and prices from a spreadsheet, matched by code: new codes are created, known ones
/// updated (empty cells leave values alone). Headers name the code, description, unit, the
/// table's columns (Spanish or English label, or key) and price lists (by name). A dry run
/// checks everything and writes nothing; a commit is all-or-nothing in one transaction.
extension MasterDataStore {
    public func importItems(_ tableID: MasterTable.ID, header: [String], rows: [[String]], commit: Bool,
                            by viewer: Viewer) async throws -> SheetImportReport {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        guard let table = try await table(tableID) else { throw StoreError.notFound }
        let lists = try await priceLists()
        var report = SheetImportReport()
        let columns = Self.match(header, table: table, lists: lists, unknown: &report.unknownColumns)
        guard columns.values.contains(where: { if case .code = $0 { true } else { false } }) else {
            report.problems.append(.init(row: 1, error: FieldError("code", "required")))
            return report
        }
        let now = clock.now(), userID = viewer.id
        return try await database.importRows(rows, commit: commit, report: report) { session, cells, seen, report in
            try await Self.importRow(session, table, columns, cells, lists: lists, seen: &seen, report: &report, by: userID, at: now)
        }
    }

    enum ImportColumn: Equatable { case code, description, unit, active, field(String), price(PriceList.ID) }

    /// Column index → meaning; headers that match nothing are reported.
    static func match(_ header: [String], table: MasterTable, lists: [PriceList], unknown: inout [String]) -> [Int: ImportColumn] {
        var out: [Int: ImportColumn] = [:]
        for (index, raw) in header.enumerated() {
            let key = SheetImportReport.headerKey(raw)
            guard !key.isEmpty else { continue }
            let column: ImportColumn? = switch key {
            case "code", "codigo": .code
            case "description", "descripcion": .description
            case "unit", "unidad": .unit
            case "active", "activo": .active
            default:
                table.columns.first { [$0.key.replacingOccurrences(of: "_", with: " "), SheetImportReport.headerKey($0.labelES),
                                       SheetImportReport.headerKey($0.labelEN)].contains(key) }.map { .field($0.key) }
                    ?? lists.first { Normalization.searchKey($0.name) == key || "precio " + Normalization.searchKey($0.name) == key }
                        .map { .price($0.id) }
            }
            if let column { out[index] = column } else { unknown.append(raw) }
        }
        return out
    }

    static func importRow(_ session: Session, _ table: MasterTable, _ columns: [Int: ImportColumn], _ cells: [String], lists: [PriceList],
                          seen: inout Set<String>, report: inout SheetImportReport, by userID: User.ID, at now: Date) async throws {
        func cell(_ index: Int) -> String? {
            guard index < cells.count else { return nil }
            let value = cells[index].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        guard let codeIndex = columns.first(where: { $0.value == .code })?.key, let code = cell(codeIndex) else {
            throw ValidationFailure([FieldError("code", "required")])
        }
        let key = MasterItemDraft(code: code, description: "").codeKey
        guard seen.insert(key).inserted else { throw ValidationFailure([FieldError("code", "duplicate")]) }
        let existing = try await session.first("""
            SELECT * FROM master_items WHERE table_id = \(bind: table.id.rawValue) AND code_key = \(bind: key)
            """).map(item)
        var draft = existing?.draft ?? MasterItemDraft(code: code, description: "")
        draft.code = code
        var prices: [PriceList.ID: Money?] = [:]
        var errors: [FieldError] = []
        for (index, column) in columns.sorted(by: { $0.key < $1.key }) {
            guard let value = cell(index) else { continue }
            switch column {
            case .code: break
            case .description: draft.description = value
            case .unit: draft.unit = value
            case .active:
                guard let on = SheetImportReport.yesNo(value) else { errors.append(FieldError("active", "invalid_choice")); continue }
                draft.active = on
            case .field(let key): draft.values[key] = .text(value)
            case .price(let list):
                let currency = lists.first { $0.id == list }?.currency ?? "USD"
                if let money = Money.parse(value, currency: currency) { prices[list] = money } else {
                    errors.append(FieldError("prices.\(lists.first { $0.id == list }?.name ?? "")", "invalid_amount"))
                }
            }
        }
        // Every problem of the row at once: the draft's own, then the prices'.
        do { _ = try draft.validated(table: table) } catch { errors.insert(contentsOf: error.errors, at: 0) }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        if let existing {
            if try await update(session, existing, draft, prices: prices, by: userID, at: now) { report.updated += 1 } else { report.unchanged += 1 }
        } else {
            _ = try await insert(session, table.id, draft, prices: prices, by: userID, at: now)
            report.created += 1
        }
    }
}
