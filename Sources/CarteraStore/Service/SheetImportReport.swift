import CarteraCore

/// What a spreadsheet import (master items, assets) found: counts, and every bad cell by row and column.
public struct SheetImportReport: Sendable, Equatable {
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

    /// A header as the importers compare it: the search key without ordinal marks ("N.º de serie" → "n de serie").
    static func headerKey(_ raw: String) -> String {
        Normalization.searchKey(raw.replacingOccurrences(of: "º", with: "").replacingOccurrences(of: "°", with: "")
            .replacingOccurrences(of: "ª", with: ""))
    }

    /// "Sí" / "no" (and true/false, 1/0, x) as a spreadsheet cell says them; nil when it is neither.
    static func yesNo(_ text: String) -> Bool? {
        switch Normalization.searchKey(text) {
        case "si", "yes", "true", "1", "x": true
        case "no", "false", "0": false
        default: nil
        }
    }
}

extension Database {
    /// Runs `row` on every non-empty spreadsheet row in one write transaction (row numbers as a
    /// spreadsheet shows them, the header being row 1). A row's `ValidationFailure` is reported
    /// and the next row goes on; the transaction commits only when `commit` is asked and no row
    /// failed, so an import is all or nothing. `seen` lets `row` refuse keys repeated in the file.
    func importRows(_ rows: [[String]], commit: Bool, report start: SheetImportReport,
                    _ row: @escaping @Sendable (Session, [String], inout Set<String>, inout SheetImportReport) async throws -> Void)
        async throws -> SheetImportReport {
        try await importRows(rows, commit: commit, report: start, state: Set<String>()) { session, _, cells, seen, report in
            try await row(session, cells, &seen, &report)
        }
    }

    /// The same, for imports whose rows build up `state` (with their row numbers) that `finish`
    /// writes once every row is read — deliveries gather their lines before writing one delivery.
    func importRows<State: Sendable>(_ rows: [[String]], commit: Bool, report start: SheetImportReport, state: State,
                                     _ row: @escaping @Sendable (Session, Int, [String], inout State, inout SheetImportReport) async throws -> Void,
                                     finish: @escaping @Sendable (Session, State, inout SheetImportReport) async throws -> Void = { _, _, _ in })
        async throws -> SheetImportReport {
        do {
            return try await write { session in
                var report = start
                var state = state
                for (offset, cells) in rows.enumerated() where cells.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    do {
                        try await row(session, offset + 2, cells, &state, &report)
                    } catch let failure as ValidationFailure {
                        report.problems += failure.errors.map { .init(row: offset + 2, error: $0) }
                    }
                    if report.problems.count >= 1000 { break }
                }
                if report.problems.count < 1000 { try await finish(session, state, &report) }
                if !commit || !report.problems.isEmpty { throw ImportRollback(report: report) }
                report.committed = true
                return report
            }
        } catch let rollback as ImportRollback {
            return rollback.report
        }
    }
}

/// Carries an import's report out of a transaction that must not commit.
private struct ImportRollback: Error { let report: SheetImportReport }
