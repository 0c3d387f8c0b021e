import CarteraCore
import Foundation
import SQLKit

/// A saved form as lists show it.
public struct FormListing: Sendable, Hashable {
    public let form: FilledForm
    public let clientNumber: Int64
    public let clientName: String
    public let filledByName: String
}

/// Form templates (versioned) and forms filled at clients. A form is visible
/// with its client (rule 1); saving one is a visit. Item prices come from the
/// chosen price list at the moment of saving and are copied into the form.
public struct FormStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    // MARK: Templates

    public func templates() async throws -> [FormTemplate] {
        try await database.cached("formTemplates") { session in
            try await session.rows("\(Self.templateSelect) ORDER BY t.name_key").map(Self.template)
        }
    }

    public func template(_ id: FormTemplate.ID) async throws -> FormTemplate? {
        try await database.read { try await Self.template($0, id) }
    }

    public func createTemplate(name: String, definition: FormDefinition, by viewer: Viewer) async throws -> FormTemplate {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        let name = try MasterDataStore.name(name)
        let now = clock.now()
        return try await database.write { session in
            try await MasterDataStore.checkUnique(session, "form_templates", name, except: nil)
            let id: FormTemplate.ID = try await session.first("""
                INSERT INTO form_templates (name, name_key) VALUES (\(bind: name), \(bind: Normalization.sortKey(name))) RETURNING id
                """)!.id("id")
            try await Self.addVersion(session, id, number: 1, definition, by: viewer.id, at: now)
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "form_template", entityID: id.rawValue, clientID: nil,
                                      action: "create", changes: [AuditChange(field: "name", before: nil, after: name)])
            return try await Self.template(session, id)!
        }
    }

    /// Renames or (de)activates the template; a changed design becomes the next version (saved forms keep theirs).
    public func updateTemplate(_ id: FormTemplate.ID, name: String, active: Bool, definition: FormDefinition, expectedVersion: Int64,
                               by viewer: Viewer) async throws -> FormTemplate {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        let name = try MasterDataStore.name(name)
        let now = clock.now()
        return try await database.write { session in
            guard let before = try await Self.template(session, id) else { throw StoreError.notFound }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            try await MasterDataStore.checkUnique(session, "form_templates", name, except: id.rawValue)
            try await session.run("""
                UPDATE form_templates SET name = \(bind: name), name_key = \(bind: Normalization.sortKey(name)), active = \(bind: active),
                    version = version + 1 WHERE id = \(bind: id.rawValue)
                """)
            var changes = AuditLog.diff(["name": before.name, "active": "\(before.active)"], ["name": name, "active": "\(active)"])
            if definition != before.currentVersion.definition {
                let number = before.currentVersion.number + 1
                try await Self.addVersion(session, id, number: number, definition, by: viewer.id, at: now)
                changes.append(AuditChange(field: "templateVersion", before: String(before.currentVersion.number), after: String(number)))
            }
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "form_template", entityID: id.rawValue, clientID: nil,
                                      action: "update", changes: changes)
            return try await Self.template(session, id)!
        }
    }

    // MARK: Filling

    /// Saves a form of the template's current version at a visible client, optionally on one of its open orders.
    public func fill(clientID: Client.ID, templateID: FormTemplate.ID, workOrderID: WorkOrder.ID?, priceListID: PriceList.ID?,
                     inputs: [String: FormInput], by viewer: Viewer) async throws -> FilledForm {
        let now = clock.now()
        return try await database.write { session in
            guard try await ClientStore.isVisible(session, clientID, scope: .of(viewer)) else { throw StoreError.notFound }
            guard let template = try await Self.template(session, templateID), template.active else {
                throw ValidationFailure([FieldError("templateId", "unknown_reference")])
            }
            var errors: [FieldError] = []
            if let order = workOrderID {
                let found = try await WorkOrderStore.order(session, order, visibleTo: viewer)
                if found?.clientID != clientID { errors.append(FieldError("workOrderId", "unknown_reference")) }
                else if found?.status == .verified || found?.status == .cancelled { errors.append(FieldError("workOrderId", "order_closed")) }
            }
            var currency: String?
            if let list = priceListID {
                currency = try await session.first("SELECT currency FROM price_lists WHERE id = \(bind: list.rawValue) AND active = \(session.literal(true))")?
                    .string("currency")
                if currency == nil { errors.append(FieldError("priceListId", "unknown_reference")) }
            }
            let answers = try await Self.answers(session, template.currentVersion.definition, inputs, clientID: clientID,
                                                 priceListID: currency == nil ? nil : priceListID, errors: &errors)
            if !errors.isEmpty { throw ValidationFailure(errors) }
            let totals = answers.values.flatMap { answer -> [Money] in
                if case .items(let lines) = answer { return lines.compactMap(\.total) } else { return [] }
            }
            let total: Int64? = totals.isEmpty ? nil : totals.reduce(0) { $0 + $1.minor }
            let json = String(decoding: try JSONEncoder().encode(answers), as: UTF8.self)
            let id: FilledForm.ID = try await session.first("""
                INSERT INTO forms (client_id, template_version_id, work_order_id, price_list_id, answers, total_minor, currency,
                    filled_by, filled_at, created_at)
                VALUES (\(bind: clientID.rawValue), \(bind: template.currentVersion.id.rawValue), \(bind: workOrderID?.rawValue),
                        \(bind: priceListID?.rawValue), \(session.json(json)), \(bind: total), \(bind: total == nil ? nil : currency),
                        \(bind: viewer.id.rawValue), \(session.instant(now)), \(session.instant(now)))
                RETURNING id
                """)!.id("id")
            try await Visits.record(session, clientID: clientID, at: now)
            try await AuditLog.record(session, at: now, userID: viewer.id, entity: "form", entityID: id.rawValue, clientID: clientID,
                                      action: "create", changes: [AuditChange(field: "templateId", before: nil,
                                                                              after: "\(template.name) v\(template.currentVersion.number)")])
            return try await Self.form(session, id, scope: .all)!.form
        }
    }

    public func form(_ id: FilledForm.ID, by viewer: Viewer) async throws -> FormListing? {
        try await database.read { try await Self.form($0, id, scope: .of(viewer)) }
    }

    /// Saved forms of a client or an order, newest first.
    public func forms(clientID: Client.ID? = nil, workOrderID: WorkOrder.ID? = nil, by viewer: Viewer, limit: Int = 50) async throws -> [FormListing] {
        try await database.read { session in
            var parts: [SQLQueryString] = [ClientScope.of(viewer).predicate(session)]
            if let client = clientID { parts.append("f.client_id = \(bind: client.rawValue)") }
            if let order = workOrderID { parts.append("f.work_order_id = \(bind: order.rawValue)") }
            return try await session.rows("""
                \(Self.formSelect) WHERE \(parts.joined(separator: " AND ")) ORDER BY f.filled_at DESC, f.id DESC LIMIT \(literal: max(1, min(limit, 500)))
                """).map(Self.listing)
        }
    }

    // MARK: SQL

    /// Each answer checked against its field; item codes looked up in the field's table, priced from the list.
    static func answers(_ session: Session, _ definition: FormDefinition, _ inputs: [String: FormInput], clientID: Client.ID,
                        priceListID: PriceList.ID?, errors: inout [FieldError]) async throws -> [String: FormAnswer] {
        var out: [String: FormAnswer] = [:]
        for field in definition.fields {
            let name = "answers.\(field.key)"
            let input = inputs[field.key]
            var text = ""
            if case .text(let raw)? = input { text = raw.trimmed }
            switch field.type {
            case .item:
                var lines: [FormAnswer.ItemLine] = []
                if case .items(let typed)? = input {
                    for line in typed where !line.code.trimmingCharacters(in: .whitespaces).isEmpty {
                        guard let quantity = milli(line.quantity), quantity > 0 else {
                            errors.append(FieldError(name, "invalid_quantity", [line.code])); continue
                        }
                        guard let (item, price) = try await MasterDataStore.lookup(session, field.tableID, code: line.code,
                                                                                   priceListID: priceListID) else {
                            errors.append(FieldError(name, "unknown_item", [line.code])); continue
                        }
                        lines.append(FormAnswer.ItemLine(itemID: item.id, code: item.draft.code, description: item.draft.description,
                                                         unit: item.draft.unit, quantityMilli: quantity, unitPrice: price))
                    }
                }
                if lines.isEmpty { if field.required { errors.append(FieldError(name, "required")) } } else { out[field.key] = .items(lines) }
                continue
            case .checkbox:
                let on = ["on", "true", "1", "si", "sí", "yes"].contains(text.lowercased())
                if field.required && !on { errors.append(FieldError(name, "required")) }
                if on { out[field.key] = .bool(true) }
                continue
            default:
                break
            }
            if text.isEmpty {
                if field.required { errors.append(FieldError(name, "required")) }
                continue
            }
            switch field.type {
            case .text, .signature:
                if text.count > 500 { errors.append(FieldError(name, "too_long", ["500"])) } else { out[field.key] = .text(text) }
            case .longText:
                if text.count > 10_000 { errors.append(FieldError(name, "too_long", ["10000"])) } else { out[field.key] = .text(text) }
            case .number:
                if let n = Double(text.replacingOccurrences(of: ",", with: ".")), n.isFinite { out[field.key] = .number(n) }
                else { errors.append(FieldError(name, "invalid_decimal")) }
            case .date:
                if CalendarDate(text) != nil { out[field.key] = .text(text) } else { errors.append(FieldError(name, "invalid_date")) }
            case .time:
                if LocalDateTime.instant(date: "2000-01-01", time: text, timeZone: .gmt) != nil { out[field.key] = .text(text) }
                else { errors.append(FieldError(name, "invalid_time")) }
            case .choice:
                if field.choices.contains(text) { out[field.key] = .text(text) } else { errors.append(FieldError(name, "invalid_choice")) }
            case .photoURL:
                if Contactability.isWebURL(text) { out[field.key] = .text(text) } else { errors.append(FieldError(name, "invalid_url")) }
            case .asset:
                guard let id = Asset.ID(string: text), let asset = try await AssetStore.asset(session, id, scope: .all),
                      asset.clientID == clientID, !asset.archived else { errors.append(FieldError(name, "unknown_reference")); continue }
                out[field.key] = .asset(id: id, name: asset.draft.name)
            case .item, .checkbox:
                break
            }
        }
        return out
    }

    /// A quantity as typed ("2", "2,5", "0.125"; empty is 1) in thousandths.
    public static func milli(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return 1000 }
        guard let value = Double(trimmed.replacingOccurrences(of: ",", with: ".")), value.isFinite, value < 1e9 else { return nil }
        return Int64((value * 1000).rounded())
    }

    static func addVersion(_ session: Session, _ id: FormTemplate.ID, number: Int, _ definition: FormDefinition, by userID: User.ID,
                           at now: Date) async throws {
        let json = String(decoding: try JSONEncoder().encode(definition), as: UTF8.self)
        let versionID: FormTemplateVersion.ID = try await session.first("""
            INSERT INTO form_template_versions (template_id, number, definition, created_by, created_at)
            VALUES (\(bind: id.rawValue), \(bind: number), \(session.json(json)), \(bind: userID.rawValue), \(session.instant(now)))
            RETURNING id
            """)!.id("id")
        try await session.run("UPDATE form_templates SET current_version_id = \(bind: versionID.rawValue) WHERE id = \(bind: id.rawValue)")
    }

    static let templateSelect: SQLQueryString = """
        SELECT t.*, v.id AS v_id, v.number AS v_number, v.definition AS v_definition
        FROM form_templates t JOIN form_template_versions v ON v.id = t.current_version_id
        """

    static func template(_ session: Session, _ id: FormTemplate.ID) async throws -> FormTemplate? {
        try await session.first("\(templateSelect) WHERE t.id = \(bind: id.rawValue)").map(template)
    }

    static func template(_ row: Row) throws -> FormTemplate {
        let id: FormTemplate.ID = try row.id("id")
        return FormTemplate(id: id, name: try row.string("name"), active: try row.bool("active"),
                            currentVersion: FormTemplateVersion(id: try row.id("v_id"), templateID: id, number: Int(try row.int("v_number")),
                                                                definition: try row.json("v_definition", as: FormDefinition.self)),
                            version: try row.int("version"))
    }

    static let formSelect: SQLQueryString = """
        SELECT f.*, v.template_id, v.number AS v_number, v.definition AS v_definition, t.name AS template_name,
            c.client_number, c.legal_name, u.name AS filled_by_name
        FROM forms f JOIN form_template_versions v ON v.id = f.template_version_id JOIN form_templates t ON t.id = v.template_id
        JOIN clients c ON c.id = f.client_id JOIN users u ON u.id = f.filled_by
        """

    static func form(_ session: Session, _ id: FilledForm.ID, scope: ClientScope) async throws -> FormListing? {
        try await session.first("\(formSelect) WHERE f.id = \(bind: id.rawValue) AND \(scope.predicate(session))").map(listing)
    }

    static func listing(_ row: Row) throws -> FormListing {
        let version = FormTemplateVersion(id: try row.id("template_version_id"), templateID: try row.id("template_id"),
                                          number: Int(try row.int("v_number")), definition: try row.json("v_definition", as: FormDefinition.self))
        let total = try row.optInt("total_minor").map { Money(minor: $0, currency: try row.optString("currency") ?? "") }
        let form = FilledForm(id: try row.id("id"), clientID: try row.id("client_id"), templateVersion: version,
                              templateName: try row.string("template_name"), workOrderID: try row.optID("work_order_id"),
                              priceListID: try row.optID("price_list_id"), answers: try row.json("answers", as: [String: FormAnswer].self),
                              total: total, filledBy: try row.id("filled_by"), filledAt: try row.instant("filled_at"))
        return FormListing(form: form, clientNumber: try row.int("client_number"), clientName: try row.string("legal_name"),
                           filledByName: try row.string("filled_by_name"))
    }
}
