import CarteraCore
import Foundation

/// How an import's cells become a client's fields, with everything it needs
/// read once when the import begins (the names of types, groups, branches and
/// users; the custom fields): reading a row needs no session, so rows are read
/// on another core while earlier ones are written (`ReadAhead`).
struct ClientImportRules: Sendable {
    let mapping: [Int: ClientImportField]
    let emptyClears: Bool
    /// Table → name key (and users' e-mails) → id.
    let names: [String: [String: Int64]]
    let definitions: [CustomFieldDefinition]

    static func load(_ session: Session, mapping: [Int: ClientImportField], emptyClears: Bool) async throws -> Self {
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
        return Self(mapping: mapping, emptyClears: emptyClears, names: names,
                    definitions: try await CatalogueStore.customFields(session))
    }

    /// A row of the file as it would create a client.
    func read(_ cells: [String]) -> ClientImportRow {
        var values: [ClientImportField: String] = [:]
        for (index, field) in mapping where index < cells.count || emptyClears {
            let value = index < cells.count ? cells[index].trimmed : ""
            if !value.isEmpty || emptyClears { values[field] = value }
        }
        guard values.values.contains(where: { !$0.isEmpty }) else { return .blank }
        var draft = ClientDraft()
        var errors: [FieldError] = []
        for (field, value) in values { apply(field, value, to: &draft, errors: &errors) }
        do {
            let valid = try draft.validated(customFields: definitions)
            return ClientImportRow(values: values, cellErrors: errors, validationErrors: [],
                                   rowValues: errors.isEmpty ? ClientRowValues(valid, definitions: definitions, audited: true) : nil)
        } catch {
            return ClientImportRow(values: values, cellErrors: errors, validationErrors: error.errors, rowValues: nil)
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
            (text ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\n" }).map { String($0).trimmed }
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
}

/// One row of an import file, read before its turn: its cells by field, and
/// what it makes of a new client. A row that turns out to change a client
/// already there is applied to that client instead. (No draft of its own: a row
/// is copied on its way between threads, and each draft held some twenty strings.)
struct ClientImportRow: Sendable {
    /// The mapped cells (empty ones only with "empty clears"); none for a blank row.
    let values: [ClientImportField: String]
    /// What the cells say wrong on their own: an unknown reference, a bad number or choice.
    let cellErrors: [FieldError]
    /// What the validation of the cells on an empty draft refused.
    let validationErrors: [FieldError]
    /// The new client (its checked draft and derived columns), when the row has no error at all.
    let rowValues: ClientRowValues?

    static let blank = ClientImportRow(values: [:], cellErrors: [], validationErrors: [], rowValues: nil)
}
