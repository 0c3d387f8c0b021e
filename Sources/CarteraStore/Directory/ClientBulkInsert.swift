import CarteraCore
import Foundation
import SQLKit

/// Many new clients in a handful of statements, for the import's blocks and
/// the demo's batches: one statement per row made the import of 100,000
/// clients take minutes (parsing SQL, a thread hop and an FTS5 flush each).
extension ClientStore {
    /// Rows per multi-row statement: at 30 bound values a client this stays under
    /// SQLite's 32,766 and PostgreSQL's 65,535 bound values.
    static let insertBlock = 1000

    /// The rules of `checkReferences` for a block of drafts, in a few queries:
    /// each draft's errors, in order. A tax id used by an earlier draft of the
    /// block is a duplicate, as it would be once that draft is written; `except`
    /// is the client being changed, whose own tax id does not count.
    static func checkReferences(_ session: Session, _ drafts: [ClientDraft],
                                except id: Client.ID? = nil) async throws -> [[FieldError]] {
        var errors = [[FieldError]](repeating: [], count: drafts.count)
        let references: [(table: String, field: String, id: (ClientDraft) -> Int64?)] = [
            ("client_types", "clientTypeId", { $0.clientTypeID?.rawValue }),
            ("client_groups", "clientGroupId", { $0.clientGroupID?.rawValue }),
            ("branches", "branchId", { $0.branchID?.rawValue }),
            ("users", "salesAgentId", { $0.salesAgentID?.rawValue }),
            ("users", "collectorId", { $0.collectorID?.rawValue }),
        ]
        var found: [String: Set<Int64>] = [:]
        for table in Set(references.map(\.table)) {
            let wanted = Set(references.filter { $0.table == table }.flatMap { reference in drafts.compactMap(reference.id) })
            guard !wanted.isEmpty else { continue }
            found[table] = Set(try await session.rows("""
                SELECT id FROM \(ident: table) WHERE id IN (\(binds: wanted.sorted()))
                """).map { try $0.int("id") })
        }
        let taxKeys = drafts.map { $0.taxID.map(Normalization.compactKey) }
        let wantedKeys = Set(taxKeys.compactMap { $0 })
        let takenKeys = wantedKeys.isEmpty ? [] : Set(try await session.rows("""
            SELECT tax_id_key FROM clients WHERE tax_id_key IN (\(binds: wantedKeys.sorted())) AND archived = \(session.literal(false))
                AND id <> \(bind: id?.rawValue ?? 0)
            """).map { try $0.string("tax_id_key") })
        var blockKeys: Set<String> = []
        for (index, draft) in drafts.enumerated() {
            for reference in references {
                if let id = reference.id(draft), found[reference.table]?.contains(id) != true {
                    errors[index].append(FieldError(reference.field, "unknown_reference"))
                }
            }
            if let key = taxKeys[index], takenKeys.contains(key) || !blockKeys.insert(key).inserted {
                errors[index].append(FieldError("taxId", "duplicate"))
            }
        }
        return errors
    }

    /// Writes drafts already validated and checked (with their row values) as new
    /// clients with consecutive numbers, their phone and e-mail keys and one audit
    /// event each (with every field when the rows carry their `creationChanges`;
    /// the demo's carry none); returns each client's id and number, in order.
    static func insertMany(_ session: Session, _ clients: [ClientRowValues], userID: User.ID?, at now: Date,
                           action: String) async throws -> [(id: Client.ID, number: Int64)] {
        var created: [(id: Client.ID, number: Int64)] = []
        for start in stride(from: 0, to: clients.count, by: insertBlock) {
            let block = Array(clients[start..<min(start + insertBlock, clients.count)])
            let written = try await insertRows(session, block, at: now)
            try await insertKeysAndEvents(session, written, block, userID: userID, at: now, action: action)
            created += written
        }
        return created
    }

    /// Up to `insertBlock` new clients' rows, with the next numbers; each client's id and
    /// number, in order.
    static func insertRows(_ session: Session, _ block: [ClientRowValues], at now: Date) async throws -> [(id: Client.ID, number: Int64)] {
        precondition(block.count <= insertBlock, "one statement's rows")
        guard !block.isEmpty else { return [] }
        let numbers = Array(try await Counters.reserve(session, "client", block.count))
        let rows: [[BoundCell]] = zip(numbers, block).map { number, client in
            [.integer(number)] + columnValues(client, number: number) + [BoundCell(client.lastVisitAt), .instant(now), .instant(now)]
        }
        let columns = ["client_number"] + editableColumnNames + ["last_visit_at", "created_at", "updated_at"]
        if session.kind == .postgres {
            // Ids taken first, so the rows go by COPY, which returns nothing. The sequence is
            // found once, as a subquery's value: as `nextval`'s argument it was looked up for
            // every row, nine-tenths of the statement (0.43 s of 100,000 ids against 0.05).
            let ids = try await session.rows("""
                SELECT nextval((SELECT pg_get_serial_sequence('clients', 'id')::regclass)) AS id
                FROM generate_series(1, \(bind: block.count))
                """).map { try $0.int("id") }.sorted()
            _ = try await session.insert(into: "clients", columns: ["id"] + columns, json: ["custom_fields"],
                                         rows: zip(ids, rows).map { [.integer($0)] + $1 })
            return zip(ids, numbers).map { (id: Client.ID($0), number: $1) }
        }
        // RETURNING's order is not the rows' order: matched by number.
        let ids = Dictionary(uniqueKeysWithValues: try await session.insert(
            into: "clients", columns: columns, json: ["custom_fields"],
            rows: rows, returning: "id, client_number").map { (try $0.int("client_number"), try $0.int("id")) })
        return numbers.map { (id: Client.ID(ids[$0]!), number: $0) }
    }

    /// What new clients (`written` by `insertRows` from `block`) need beside their rows:
    /// their phone and e-mail keys and one audit event each.
    static func insertKeysAndEvents(_ session: Session, _ written: [(id: Client.ID, number: Int64)], _ block: [ClientRowValues],
                                    userID: User.ID?, at now: Date, action: String) async throws {
        try await ClientLookupKeys.insert(session, zip(written, block).map { (clientID: $0.id.rawValue, values: $1) })
        let audits: [[BoundCell]] = zip(written, block).map { client, row in
            let changes = row.creationChanges?.json(number: client.number) ?? "[]"
            return [.instant(now), BoundCell(userID?.rawValue), .text("client"), .integer(client.id.rawValue), .integer(client.id.rawValue),
                    .text(action), .text(changes)]
        }
        _ = try await session.insert(into: "audit_events", columns: ["at", "user_id", "entity", "entity_id", "client_id", "action", "changes"],
                                     rows: audits)
    }

    /// The ids of `ids` the scope lets its viewer see.
    static func visible(_ session: Session, _ ids: [Client.ID], scope: ClientScope) async throws -> Set<Client.ID> {
        guard !ids.isEmpty else { return [] }
        if case .all = scope { return Set(ids) }
        return Set(try await session.rows("""
            SELECT c.id FROM clients c WHERE c.id IN \(session.inList(ids)) AND \(scope.predicate(session))
            """).map { Client.ID(try $0.int("id")) })
    }
}
