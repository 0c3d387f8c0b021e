import CarteraCore
import Foundation

/// What a master-item import found: counts, and every bad cell by row and column.
public struct MasterImportReport: Sendable, Equatable {
    public struct Problem: Sendable, Equatable {
        /// 1-based, counting the header as row 1 (as a spreadsheet shows it).
        public let row: Int
        public let error: FieldError
    }
    public var created = 0
    public var updated = 0
    /// Known codes whose row changed nothing.
    public var unchanged = 0
    public var problems: [Problem] = []
    public var unknownColumns: [String] = []
    public var committed = false
}

/// Items and prices from a spreadsheet, matched by code: new codes are created, known ones
/// updated (empty cells leave values alone). Headers name the code, description, unit, the
/// table's columns (Spanish or English label, or key) and price lists (by name). A dry run
/// checks everything and writes nothing; a commit is all-or-nothing in one transaction.
extension MasterDataStore {
    public func importItems(_ tableID: MasterTable.ID, header: [String], rows: [[String]], commit: Bool,
                            by viewer: Viewer) async throws -> MasterImportReport {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        guard let table = try await table(tableID) else { throw StoreError.notFound }
        let lists = try await priceLists()
        var report = MasterImportReport()
        let columns = Self.match(header, table: table, lists: lists, unknown: &report.unknownColumns)
        guard columns.values.contains(where: { if case .code = $0 { true } else { false } }) else {
            report.problems.append(.init(row: 1, error: FieldError("code", "required")))
            return report
        }
        let now = clock.now()
        /// Carries the report out of a transaction that must not commit.
        struct Rollback: Error { let report: MasterImportReport }
        let checked = report
        do {
            report = try await database.write { session in
                var report = checked
                var seen = Set<String>()
                for (offset, cells) in rows.enumerated() where cells.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    do {
                        try await Self.importRow(session, table, columns, cells, lists: lists, seen: &seen, report: &report,
                                                 by: viewer.id, at: now)
                    } catch let failure as ValidationFailure {
                        report.problems += failure.errors.map { .init(row: offset + 2, error: $0) }
                    }
                    if report.problems.count >= 1000 { break }
                }
                if !commit || !report.problems.isEmpty { throw Rollback(report: report) }
                report.committed = true
                return report
            }
        } catch let rollback as Rollback {
            report = rollback.report
        }
        return report
    }

    enum ImportColumn: Equatable { case code, description, unit, field(String), price(PriceList.ID) }

    /// Column index → meaning; headers that match nothing are reported.
    static func match(_ header: [String], table: MasterTable, lists: [PriceList], unknown: inout [String]) -> [Int: ImportColumn] {
        var out: [Int: ImportColumn] = [:]
        for (index, raw) in header.enumerated() {
            let key = Normalization.searchKey(raw)
            guard !key.isEmpty else { continue }
            let column: ImportColumn? = switch key {
            case "code", "codigo": .code
            case "description", "descripcion": .description
            case "unit", "unidad": .unit
            default:
                table.columns.first { [$0.key.replacingOccurrences(of: "_", with: " "), Normalization.searchKey($0.labelES),
                                       Normalization.searchKey($0.labelEN)].contains(key) }.map { .field($0.key) }
                    ?? lists.first { Normalization.searchKey($0.name) == key || "precio " + Normalization.searchKey($0.name) == key }
                        .map { .price($0.id) }
            }
            if let column { out[index] = column } else { unknown.append(raw) }
        }
        return out
    }

    static func importRow(_ session: Session, _ table: MasterTable, _ columns: [Int: ImportColumn], _ cells: [String], lists: [PriceList],
                          seen: inout Set<String>, report: inout MasterImportReport, by userID: User.ID, at now: Date) async throws {
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
