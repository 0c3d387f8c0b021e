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
        /// Carries the report out of a transaction that must not commit.
        struct Rollback: Error { let report: SheetImportReport }
        do {
            return try await write { session in
                var report = start
                var seen = Set<String>()
                for (offset, cells) in rows.enumerated() where cells.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    do {
                        try await row(session, cells, &seen, &report)
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
            return rollback.report
        }
    }
}
