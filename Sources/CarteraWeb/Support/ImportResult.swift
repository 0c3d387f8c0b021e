import CarteraCore
import CarteraStore

/// What a small import (master items, assets, deliveries, invoices) shows after a run:
/// the summary line and every problem as row and message.
struct ImportResult: Encodable {
    struct Problem: Encodable { let row: Int; let message: String }
    let summary: String
    let problems: [Problem]

    /// `label` names fields the catalogue does not (a table's own columns).
    init(_ report: SheetImportReport, env: WebEnvironment, language: Language, label: (String) -> String? = { _ in nil }) {
        summary = env.translator.text(report.committed ? "master_import_done" : "master_import_checked", language, [
            "created": String(report.created), "updated": String(report.updated), "unchanged": String(report.unchanged),
            "problems": String(report.problems.count), "unknown": report.unknownColumns.joined(separator: ", ")])
        problems = report.problems.map { Problem(row: $0.row, message: env.translator.message(for: $0.error, language, label: label)) }
    }
}
