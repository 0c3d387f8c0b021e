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
    static let dryRunChunk = 250

    public func importClients(headers: [String], mapping: [Int: ClientImportField], options: ClientImportOptions,
                              by viewer: Viewer, next: () throws -> [String]?) async throws -> ImportReport {
        guard viewer.can(.importData), viewer.can(.editClients) else { throw StoreError.forbidden }
        struct Rollback: Error {}
        var run: ImportRun?
        var rowNumber = 1
        var finished = false
        while !finished {
            do {
                return try await database.write { session in
                    if run == nil {
                        run = try await ImportRun(session: session, headers: headers, mapping: mapping, options: options,
                                                  viewer: viewer, now: clock.now())
                    } else {
                        try await run!.resume(in: session)
                    }
                    var rows = 0
                    while !options.dryRun || rows < Self.dryRunChunk {
                        guard let cells = try next() else { finished = true; break }
                        rowNumber += 1
                        rows += 1
                        try await run!.apply(cells, row: rowNumber)
                    }
                    if options.dryRun || run!.report.errorCount > 0 { throw Rollback() }
                    try await ImportLog.close(session, run!.importID, run!.report)
                    var report = run!.report
                    report.committed = true
                    report.importID = run!.importID
                    return report
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
    private(set) var session: Session
    let headers: [String]
    let mapping: [Int: ClientImportField]
    let options: ClientImportOptions
    let viewer: Viewer
    let now: Date
    private(set) var importID: Int64
    let definitions: [CustomFieldDefinition]
    let names: [String: [String: Int64]]
    var report = ImportReport()
    /// Matching by tax id, the tax ids already seen in this file: a second row
    /// with one is a duplicate, not a second update.
    var seenTaxIDs: Set<String> = []
    /// Names (and, after "~", their sound keys), e-mails and phone digits of rows
    /// creating clients, for duplicate hints.
    var seenNames: [String: Int] = [:]
    var seenContacts: [String: Int] = [:]

    init(session: Session, headers: [String], mapping: [Int: ClientImportField], options: ClientImportOptions,
         viewer: Viewer, now: Date) async throws {
        self.session = session; self.headers = headers; self.mapping = mapping; self.options = options
        self.viewer = viewer; self.now = now
        definitions = try await CatalogueStore.customFields(session)
        importID = try await ImportLog.open(session, entity: "client", fileName: options.fileName, by: viewer, at: now)
        var names: [String: [String: Int64]] = [:]
        for table in ["client_types", "client_groups", "branches"] {
            for row in try await session.rows("SELECT id, name_key FROM \(ident: table)") {
                names[table, default: [:]][try row.string("name_key")] = try row.int("id")
            }
        }
        for row in try await session.rows("SELECT id, email, name_key FROM users") {
            names["users", default: [:]][try row.string("email")] = try row.int("id")
            names["users", default: [:]][try row.string("name_key")] = try row.int("id")
        }
        self.names = names
    }

    /// Goes on in a new transaction (the next chunk of a dry run).
    mutating func resume(in session: Session) async throws {
        self.session = session
        importID = try await ImportLog.open(session, entity: "client", fileName: options.fileName, by: viewer, at: now)
    }

    mutating func apply(_ cells: [String], row: Int) async throws {
        var values: [ClientImportField: String] = [:]
        for (index, field) in mapping where index < cells.count || options.emptyClears {
            let value = index < cells.count ? cells[index].trimmingCharacters(in: .whitespacesAndNewlines) : ""
            if !value.isEmpty || options.emptyClears { values[field] = value }
        }
        guard values.values.contains(where: { !$0.isEmpty }) else { return }
        var errors: [FieldError] = []
        if options.updateBy == .taxID, let taxID = values[.taxID], !taxID.isEmpty {
            let key = Normalization.compactKey(taxID)
            if !seenTaxIDs.insert(key).inserted { errors.append(FieldError("taxId", "duplicate_in_file")) }
        }
        let existing = try await find(values, errors: &errors)
        var draft = existing?.draft ?? ClientDraft()
        for (field, value) in values { apply(field, value, to: &draft, errors: &errors) }
        guard errors.isEmpty else {
            // Report the row's other problems too, so one pass over the file finds them all.
            if case .failure(let failure as ValidationFailure) = Result(catching: { try draft.validated(customFields: definitions) }) {
                errors += failure.errors.filter { !errors.map(\.field).contains($0.field) }
            }
            return record(errors, row: row)
        }
        do {
            if let existing {
                if (try? draft.validated(customFields: definitions)) == existing.draft {
                    report.unchanged += 1
                    return
                }
                let after = try await ClientStore.replace(session, existing, draft, definitions: definitions, by: viewer, at: now,
                                                          action: "import_update")
                try await remember(after, before: existing.draft)
                report.updated += 1
            } else {
                try await hintDuplicates(of: draft, row: row)
                let created = try await ClientStore.insert(session, draft, definitions: definitions, by: viewer, at: now,
                                                           action: "import_create")
                try await remember(created, before: nil)
                report.created += 1
            }
        } catch let failure as ValidationFailure {
            record(failure.errors, row: row)
        }
    }

    /// Keeps what a revert needs; a client changed twice keeps its first "before".
    func remember(_ client: Client, before: ClientDraft?) async throws {
        try await session.run("""
            INSERT INTO import_changes (import_id, client_id, before_draft, after_version)
            VALUES (\(bind: importID), \(bind: client.id.rawValue), \(bind: before?.jsonString()), \(bind: client.version))
            ON CONFLICT (import_id, client_id) DO UPDATE SET after_version = excluded.after_version
            """)
    }

    /// The client a row updates: by client number (which must exist and be
    /// visible) or by tax id (a new client when none has it).
    func find(_ values: [ClientImportField: String], errors: inout [FieldError]) async throws -> Client? {
        let scope = ClientScope.of(viewer)
        switch options.updateBy {
        case .number:
            guard let raw = values[.clientNumber], !raw.isEmpty else { return nil }
            guard let number = Int64(raw) else { errors.append(FieldError("clientNumber", "invalid_integer")); return nil }
            guard let client = try await ClientStore.client(session, number: number, scope: scope) else {
                errors.append(FieldError("clientNumber", "not_found")); return nil
            }
            return client
        case .taxID:
            guard let raw = values[.taxID], !raw.isEmpty else { return nil }
            let key = Normalization.compactKey(raw)
            guard let row = try await session.first("""
                SELECT \(ClientSQL.columns(session)) FROM clients c WHERE c.tax_id_key = \(bind: key) AND c.archived = \(bind: false)
                """) else { return nil }
            let client = try ClientSQL.client(row)
            guard try await ClientStore.client(session, client.id, scope: scope) != nil else {
                errors.append(FieldError("taxId", "not_found")); return nil
            }
            return client
        }
    }

    /// Writes one cell into the draft; an empty value clears the field.
    func apply(_ field: ClientImportField, _ value: String, to d: inout ClientDraft, errors: inout [FieldError]) {
        let text: String? = value.isEmpty ? nil : value
        func reference(_ table: String, _ name: String) -> Int64?? {
            guard let text else { return .some(nil) }
            let key = table == "users" && text.contains("@") ? text.lowercased() : Normalization.sortKey(text)
            guard let id = names[table]?[key] else { errors.append(FieldError(name, "unknown_reference")); return nil }
            return .some(id)
        }
        func number(_ name: String) -> Double?? {
            guard let text else { return .some(nil) }
            guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                errors.append(FieldError(name, "invalid_decimal")); return nil
            }
            return .some(value)
        }
        func list(_ text: String?) -> [String] {
            (text ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\n" }).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        switch field {
        case .clientNumber: break
        case .legalName: d.legalName = text ?? ""
        case .tradeName: d.tradeName = text
        case .taxID: d.taxID = text
        case .taxIDKind:
            d.taxIDKind = text.flatMap { TaxIDKind(rawValue: $0.uppercased()) }
            if text != nil && d.taxIDKind == nil { errors.append(FieldError("taxIdKind", "invalid_choice")) }
        case .clientType: if let id = reference("client_types", "clientTypeId") { d.clientTypeID = id.map(ClientType.ID.init) }
        case .clientGroup: if let id = reference("client_groups", "clientGroupId") { d.clientGroupID = id.map(ClientGroup.ID.init) }
        case .branch: if let id = reference("branches", "branchId") { d.branchID = id.map(Branch.ID.init) }
        case .salesAgent: if let id = reference("users", "salesAgentId") { d.salesAgentID = id.map(User.ID.init) }
        case .collector: if let id = reference("users", "collectorId") { d.collectorID = id.map(User.ID.init) }
        case .street: d.address.street = text
        case .number: d.address.number = text
        case .city: d.address.city = text
        case .state: d.address.state = text
        case .postalCode: d.address.postalCode = text
        case .country: d.address.country = text
        case .latitude: if let value = number("latitude") { d.latitude = value }
        case .longitude: if let value = number("longitude") { d.longitude = value }
        case .emails: d.emails = list(text)
        case .phones: d.phones = list(text)
        case .description: d.description = text
        case .customField(let key): d.customFields[key] = text.map { .text($0) }
        }
    }

    /// Flags a new client that looks like an existing one (same name, a name that
    /// sounds the same, or a phone found in another client's phones) or like an
    /// earlier row (same or same-sounding name, e-mail or phone). Uses the name,
    /// sound and phone-tail indexes only, so it stays fast at a million clients.
    mutating func hintDuplicates(of draft: ClientDraft, row: Int) async throws {
        var hints: [FieldError] = []
        // Clients this file created are only "earlier rows": a dry run rolls them back.
        let notCreatedHere: SQLQueryString = """
            NOT EXISTS (SELECT 1 FROM import_changes k WHERE k.import_id = \(bind: importID) AND k.client_id = c.id
                AND k.before_draft IS NULL)
            """
        let nameKey = Normalization.sortKey(draft.legalName)
        let sound = Normalization.soundKey(draft.legalName)
        if let earlier = seenNames[nameKey] {
            hints.append(FieldError("legalName", "possible_duplicate_row", [String(earlier)]))
        } else if let match = try await session.first("""
            SELECT client_number FROM clients c WHERE name_key = \(bind: nameKey) AND archived = \(bind: false) AND \(notCreatedHere) LIMIT 1
            """) {
            hints.append(FieldError("legalName", "possible_duplicate", [String(try match.int("client_number"))]))
        } else if !sound.isEmpty, let match = try await session.first("""
            SELECT client_number, legal_name FROM clients c WHERE name_sound = \(bind: sound) AND archived = \(bind: false)
                AND \(notCreatedHere) LIMIT 1
            """) {
            hints.append(FieldError("legalName", "possible_duplicate_name",
                                    [String(try match.int("client_number")), try match.string("legal_name")]))
        } else if !sound.isEmpty, let earlier = seenNames["~" + sound] {
            hints.append(FieldError("legalName", "possible_duplicate_row", [String(earlier)]))
        }
        seenNames[nameKey] = seenNames[nameKey] ?? row
        if !sound.isEmpty { seenNames["~" + sound] = seenNames["~" + sound] ?? row }
        let contacts = draft.emails.map { "e:" + $0.lowercased() } + draft.phones.compactMap(Normalization.phoneTail).map { "p:" + $0 }
        for contact in Set(contacts).sorted() {
            if let earlier = seenContacts[contact] {
                hints.append(FieldError(contact.hasPrefix("e:") ? "emails" : "phones", "possible_duplicate_row", [String(earlier)]))
            }
            seenContacts[contact] = seenContacts[contact] ?? row
        }
        for tail in Set(draft.phones.compactMap(Normalization.phoneTail)).sorted() {
            if let match = try await session.first("""
                SELECT c.client_number FROM client_phone_tails t JOIN clients c ON c.id = t.client_id
                WHERE t.tail = \(bind: tail) AND \(notCreatedHere) LIMIT 1
                """) {
                hints.append(FieldError("phones", "possible_duplicate", [String(try match.int("client_number"))]))
                break
            }
        }
        for hint in hints { report.hint(ImportRowError(row: row, column: header(of: hint.field), error: hint)) }
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
