import CarteraCore
import Foundation
import SQLKit

/// How an import treats its rows.
public struct ClientImportOptions: Sendable {
    public enum UpdateBy: String, Sendable { case number, taxID = "taxid" }
    public var updateBy: UpdateBy
    /// An empty cell clears the field instead of leaving it as it is.
    public var emptyClears: Bool
    /// Check everything, write nothing.
    public var dryRun: Bool
    public var fileName: String

    public init(updateBy: UpdateBy = .number, emptyClears: Bool = false, dryRun: Bool = true, fileName: String) {
        self.updateBy = updateBy; self.emptyClears = emptyClears; self.dryRun = dryRun; self.fileName = fileName
    }
}

/// One refused cell (or row): sheet row number, column header, reason code.
public struct ImportRowError: Sendable, Hashable, Codable {
    public let row: Int
    public let column: String
    public let error: FieldError
}

/// What an import did, or would do on a dry run.
public struct ImportReport: Sendable, Codable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var errorCount = 0
    /// The first errors, in row order (capped; `errorCount` has them all).
    public var errors: [ImportRowError] = []
    /// Rows that look like a client already there or another row: a hint, not a refusal.
    public var warnings: [ImportRowError] = []
    public var warningCount = 0
    public var committed = false
    public var importID: Int64?

    static let shownErrors = 1000

    public init() {}

    /// Counts a refused cell; keeps the first ones to show.
    mutating func refuse(_ error: ImportRowError) {
        errorCount += 1
        if errors.count < Self.shownErrors { errors.append(error) }
    }

    /// Counts a duplicate hint; keeps the first ones to show.
    mutating func hint(_ warning: ImportRowError) {
        warningCount += 1
        if warnings.count < Self.shownErrors { warnings.append(warning) }
    }
}

/// Imports or bulk-modifies clients from spreadsheet rows. All or nothing: a
/// commit applies the rows in one transaction, kept only when no row was
/// refused. A dry run applies the same rules in transactions of
/// `dryRunChunk` rows, each rolled back, so other writers get their turn
/// while a large file is checked; what spans chunks (duplicates within the
/// file) is tracked in memory, so it reports what a commit would do. (One
/// difference: a client changed by two rows in different chunks is compared
/// with its stored values both times.)
extension ClientStore {
    static let dryRunChunk = insertBlock

    public func importClients(headers: [String], mapping: [Int: ClientImportField], options: ClientImportOptions,
                              by viewer: Viewer, next: sending @escaping () throws -> [String]?) async throws -> ImportReport {
        guard viewer.can(.importData), viewer.can(.editClients) else { throw StoreError.forbidden }
        struct Rollback: Error {}
        let rules = try await database.read { session in
            try await ClientImportRules.load(session, mapping: mapping, emptyClears: options.emptyClears)
        }
        // Rows are read and checked a block ahead on another thread, while this one waits on SQLite's.
        var rows = ReadAhead(blockSize: Self.insertBlock, depth: 4) { try next().map(rules.read) }
        defer { rows.stop() }
        var run: ImportRun?
        var rowNumber = 1
        var finished = false
        while !finished {
            do {
                // Statement journals in memory and merging held back: see `Database.write` and
                // `ClientWordIndex.holdingMerges`.
                return try await database.write(journalsInMemory: true) { session in
                    try await session.withPageCache(megabytes: 128) { try await ClientWordIndex.holdingMerges(session) {
                        if run == nil {
                            run = try await ImportRun(session: session, lookups: database, headers: headers, rules: rules, options: options,
                                                      viewer: viewer, now: clock.now())
                        } else {
                            try await run!.resume(in: session)
                        }
                        var chunk = 0
                        do {
                            while !options.dryRun || chunk < Self.dryRunChunk {
                                guard let row = try await rows.next() else { finished = true; break }
                                rowNumber += 1
                                chunk += 1
                                try await run!.apply(row, row: rowNumber)
                            }
                            try await run!.flush()
                            try await run!.settle()
                        } catch {
                            // Nothing may still be writing when the transaction rolls back.
                            await run!.drain()
                            throw error
                        }
                        if options.dryRun || run!.report.errorCount > 0 { throw Rollback() }
                        try await ImportLog.close(session, run!.importID, run!.report)
                        var report = run!.report
                        report.committed = true
                        report.importID = run!.importID
                        return report
                    } }
                }
            } catch is Rollback {
                if !options.dryRun { break }
            }
        }
        return run!.report
    }
}

/// The state of one import: its transaction, what it found so far.
struct ImportRun {
    /// The import's transaction: `session()` hands it out once `behind` has settled.
    private var connection: Session
    /// The new clients' keys, audit events and revert records, written while the next
    /// block is read and checked.
    private var behind = WriteBehind()
    /// Where the duplicate hints read the clients as they were before the import.
    let lookups: Database
    let headers: [String]
    let rules: ClientImportRules
    let options: ClientImportOptions
    let viewer: Viewer
    let now: Date
    private(set) var importID: Int64
    var report = ImportReport()
    /// Matching by tax id, the tax ids already seen in this file: a second row
    /// with one is a duplicate, not a second update.
    var seenTaxIDs: Set<String> = []
    /// The first row creating a client with each name key, sound key, e-mail key and
    /// phone tail, for duplicate hints.
    var seenNames: [String: Int] = [:]
    var seenSounds: [String: Int] = [:]
    var seenEmails: [String: Int] = [:]
    var seenPhones: [String: Int] = [:]
    /// Rows creating clients wait here to be written a block at a time
    /// (`flush`); a row updating a client writes them first, so each row still
    /// meets the file as the rows before it left it.
    var pending: [PendingRow] = []

    var mapping: [Int: ClientImportField] { rules.mapping }
    var definitions: [CustomFieldDefinition] { rules.definitions }

    /// A row that creates a client: its checked draft with its derived columns, or why it is refused.
    struct PendingRow {
        let row: Int
        let errors: [FieldError]
        /// Present exactly when `errors` is empty.
        let values: ClientRowValues?
    }

    init(session: Session, lookups: Database, headers: [String], rules: ClientImportRules, options: ClientImportOptions,
         viewer: Viewer, now: Date) async throws {
        self.connection = session; self.lookups = lookups; self.headers = headers; self.rules = rules; self.options = options
        self.viewer = viewer; self.now = now
        importID = try await ImportLog.open(session, entity: "client", fileName: options.fileName, by: viewer, at: now)
    }

    /// Goes on in a new transaction (the next chunk of a dry run).
    mutating func resume(in session: Session) async throws {
        connection = session
        importID = try await ImportLog.open(session, entity: "client", fileName: options.fileName, by: viewer, at: now)
    }

    mutating func apply(_ read: ClientImportRow, row: Int) async throws {
        let values = read.values
        guard !values.isEmpty else { return }
        var errors: [FieldError] = []
        if options.updateBy == .taxID, let taxID = values[.taxID], !taxID.isEmpty {
            let key = Normalization.compactKey(taxID)
            if !seenTaxIDs.insert(key).inserted { errors.append(FieldError("taxId", "duplicate_in_file")) }
        }
        // Report a row's other problems too, so one pass over the file finds them all.
        func adding(_ refused: [FieldError]) -> [FieldError] {
            errors.isEmpty ? refused : errors + refused.filter { !errors.map(\.field).contains($0.field) }
        }
        guard let existing = try await find(values, errors: &errors) else {
            errors += read.cellErrors
            let refused = adding(read.validationErrors)
            pending.append(PendingRow(row: row, errors: refused, values: refused.isEmpty ? read.rowValues : nil))
            if pending.count >= ClientStore.insertBlock { try await flush() }
            return
        }
        var draft = existing.draft
        for (field, value) in values { rules.apply(field, value, to: &draft, errors: &errors) }
        let validated = Result { () throws(ValidationFailure) in try draft.validated(customFields: definitions) }
        if case .failure(let failure) = validated, !errors.isEmpty { errors = adding(failure.errors) }
        try await flush()
        guard errors.isEmpty else { return record(errors, row: row) }
        do {
            if (try? validated.get()) == existing.draft {
                report.unchanged += 1
                return
            }
            let after = try await ClientStore.replace(try await session(), existing, draft, definitions: definitions, by: viewer, at: now,
                                                      action: "import_update")
            try await remember(after, before: existing.draft)
            report.updated += 1
        } catch let failure as ValidationFailure {
            record(failure.errors, row: row)
        }
    }

    /// Writes the waiting new clients: their duplicate hints, references and
    /// tax ids checked and the clients inserted a block at a time; then each
    /// row's outcome in row order.
    mutating func flush() async throws {
        let rows = pending
        pending = []
        guard !rows.isEmpty else { return }
        // The accepted rows' values (their drafts, keys and columns, worked out as the rows
        // were read) serve the hints and the rows.
        let accepted = rows.filter { $0.values != nil }.map(\.row)
        let values = rows.compactMap(\.values)
        // The existing clients the hints compare with are read on another connection while this
        // one writes the block (`ExistingMatches`).
        let lookups = lookups
        async let existing = ExistingMatches.find(values, in: lookups)
        let session = try await session()
        let checks = try await ClientStore.checkReferences(session, values.map(\.draft))
        let writable = zip(accepted, checks).filter { $0.1.isEmpty }.map(\.0)
        let block = zip(values, checks).filter { $0.1.isEmpty }.map(\.0)
        let created = try await ClientStore.insertRows(session, block, at: now)
        let visible = try await ClientStore.visible(session, created.map(\.id), scope: .of(viewer))
        let (importID, userID, now) = (importID, viewer.id, now)
        behind.queue {
            try await ClientStore.insertKeysAndEvents(session, created, block, userID: userID, at: now, action: "import_create")
            try await Self.remember(session, importID, created: created.map(\.id).filter(visible.contains))
        }
        var outcomes: [Int: [FieldError]] = Dictionary(uniqueKeysWithValues: zip(accepted, checks))
        for (row, client) in zip(writable, created) where !visible.contains(client.id) {
            outcomes[row] = [FieldError("clientGroupId", "outside_scope")]
        }
        let hints = hintDuplicates(of: accepted, values, existing: try await existing)
        for entry in rows {
            for hint in hints[entry.row] ?? [] { report.hint(ImportRowError(row: entry.row, column: header(of: hint.field), error: hint)) }
            let errors = entry.errors.isEmpty ? outcomes[entry.row] ?? [] : entry.errors
            if errors.isEmpty { report.created += 1 } else { record(errors, row: entry.row) }
        }
    }

    /// The transaction, once the statements queued behind have run.
    mutating func session() async throws -> Session {
        try await behind.settle()
        return connection
    }

    /// Waits for the statements queued behind; throws the first that failed.
    mutating func settle() async throws {
        try await behind.settle()
    }

    /// Waits for the statements queued behind, their failure aside (before a rollback).
    mutating func drain() async {
        await behind.drain()
    }

    /// Keeps what a revert needs; a client changed twice keeps its first "before".
    mutating func remember(_ client: Client, before: ClientDraft?) async throws {
        try await session().run("""
            INSERT INTO import_changes (import_id, client_id, before_draft, after_version)
            VALUES (\(bind: importID), \(bind: client.id.rawValue), \(bind: before?.jsonString()), \(bind: client.version))
            ON CONFLICT (import_id, client_id) DO UPDATE SET after_version = excluded.after_version
            """)
    }

    /// Keeps what a revert of new clients needs (they are at version 1).
    static func remember(_ session: Session, _ importID: Int64, created ids: [Client.ID]) async throws {
        guard !ids.isEmpty else { return }
        let rows: [SQLQueryString] = ids.map { "(\(bind: importID), \(bind: $0.rawValue), NULL, 1)" }
        try await session.run("""
            INSERT INTO import_changes (import_id, client_id, before_draft, after_version) VALUES \(rows.joined(separator: ", "))
            """)
    }

    /// The client a row updates: by client number (which must exist and be
    /// visible) or by tax id (a new client when none has it).
    mutating func find(_ values: [ClientImportField: String], errors: inout [FieldError]) async throws -> Client? {
        let scope = ClientScope.of(viewer)
        switch options.updateBy {
        case .number:
            guard let raw = values[.clientNumber], !raw.isEmpty else { return nil }
            guard let number = Int64(raw) else { errors.append(FieldError("clientNumber", "invalid_integer")); return nil }
            guard let client = try await ClientStore.client(try await session(), number: number, scope: scope) else {
                errors.append(FieldError("clientNumber", "not_found")); return nil
            }
            return client
        case .taxID:
            guard let raw = values[.taxID], !raw.isEmpty else { return nil }
            let key = Normalization.compactKey(raw)
            let session = try await session()
            guard let row = try await session.first("""
                SELECT \(ClientSQL.columns(session)) FROM clients c WHERE c.tax_id_key = \(bind: key) AND c.archived = \(session.literal(false))
                """) else { return nil }
            let client = try ClientSQL.client(row)
            guard try await ClientStore.isVisible(session, client.id, scope: scope) else {
                errors.append(FieldError("taxId", "not_found")); return nil
            }
            return client
        }
    }

    mutating func record(_ errors: [FieldError], row: Int) {
        for error in errors.sorted(by: { (columnIndex(of: $0.field) ?? Int.max) < (columnIndex(of: $1.field) ?? Int.max) }) {
            report.refuse(ImportRowError(row: row, column: header(of: error.field), error: error))
        }
    }

    /// The file column a validation field came from.
    func columnIndex(of field: String) -> Int? {
        mapping.filter { $0.value.validationField == field }.keys.min()
    }

    func header(of field: String) -> String {
        columnIndex(of: field).map { $0 < headers.count ? headers[$0] : "" } ?? ""
    }
}
