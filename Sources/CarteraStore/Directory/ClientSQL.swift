import CarteraCore
import Foundation
import SQLKit

/// The SQL pieces of client reads: columns, decoding, search, filters, sorting.
enum ClientSQL {
    static func columns(_ session: Session) -> SQLQueryString {
        columns(session, Set(ClientPart.allCases))
    }

    /// The columns of the core and of `parts`, in the order `client` decodes them (a row
    /// finds the column after the one read last first: `ResultColumns`).
    static func columns(_ session: Session, _ parts: Set<ClientPart>) -> SQLQueryString {
        var list: SQLQueryString = "c.legal_name"
        if parts.contains(.tradeName) { list += ", c.trade_name" }
        if parts.contains(.taxID) { list += ", c.tax_id, c.tax_id_kind" }
        list += ", c.client_type_id, c.client_group_id, c.branch_id, c.sales_agent_id, c.collector_id"
        if parts.contains(.address) { list += ", c.street, c.street_number, c.city, c.state, c.postal_code, c.country" }
        if parts.contains(.coordinates) { list += ", c.latitude, c.longitude" }
        if parts.contains(.emails) { list += ", c.emails" }
        if parts.contains(.phones) { list += ", c.phones" }
        if parts.contains(.description) { list += ", c.description" }
        if parts.contains(.customFields) { list += ", \(session.jsonText("c.custom_fields")) AS custom_fields" }
        return list + ", c.id, c.client_number, c.archived, c.version, c.created_at, c.updated_at, c.last_visit_at"
    }

    static func client(_ row: Row) throws -> Client {
        try client(row, Set(ClientPart.allCases))
    }

    /// A client read with `columns(session, parts)`; the parts not read are left empty.
    static func client(_ row: Row, _ parts: Set<ClientPart>) throws -> Client {
        let legalName = try row.string("legal_name")
        let tradeName = parts.contains(.tradeName) ? try row.optString("trade_name") : nil
        let taxID = parts.contains(.taxID) ? try row.optString("tax_id") : nil
        let taxIDKind = parts.contains(.taxID) ? try row.optString("tax_id_kind").flatMap(TaxIDKind.init) : nil
        let draft = ClientDraft(
            legalName: legalName, tradeName: tradeName, taxID: taxID, taxIDKind: taxIDKind,
            clientTypeID: try row.optID("client_type_id"), clientGroupID: try row.optID("client_group_id"),
            branchID: try row.optID("branch_id"), salesAgentID: try row.optID("sales_agent_id"),
            collectorID: try row.optID("collector_id"),
            address: parts.contains(.address)
                ? Address(street: try row.optString("street"), number: try row.optString("street_number"),
                          city: try row.optString("city"), state: try row.optString("state"),
                          postalCode: try row.optString("postal_code"), country: try row.optString("country"))
                : Address(),
            latitude: parts.contains(.coordinates) ? try row.double("latitude") : nil,
            longitude: parts.contains(.coordinates) ? try row.double("longitude") : nil,
            emails: parts.contains(.emails) ? try row.json("emails", as: [String].self) : [],
            phones: parts.contains(.phones) ? try row.json("phones", as: [String].self) : [],
            description: parts.contains(.description) ? try row.optString("description") : nil,
            customFields: parts.contains(.customFields) ? try row.json("custom_fields", as: [String: CustomFieldValue].self) : [:])
        return Client(id: try row.id("id"), clientNumber: try row.int("client_number"), draft: draft,
                      archived: try row.bool("archived"), version: try row.int("version"),
                      createdAt: try row.instant("created_at"), updatedAt: try row.instant("updated_at"),
                      lastVisitAt: try row.optInstant("last_visit_at"))
    }

    /// `SELECT id, rank` of the clients of the archived choice a quick search finds;
    /// lower rank is better.
    static func matches(_ session: Session, _ query: SearchQuery, _ archived: ClientQuery.Archived) -> SQLQueryString {
        switch (session.kind, query) {
        case (.sqlite, .words(let words)):
            return ClientWordIndex.ranked(archived, matching: WordSearch.ftsQuery(words))
        case (.sqlite, .digits(let digits)):
            return """
                SELECT id, MIN(rank) AS rank FROM (
                    \(ClientWordIndex.ranked(archived, matching: WordSearch.ftsQuery([digits])))
                    UNION ALL
                    SELECT rowid AS id, 0.0 AS rank FROM client_digits WHERE client_digits MATCH \(bind: "\"\(digits)\"")
                ) found GROUP BY id
                """
        case (.postgres, .words(let words)):
            let tsquery = WordSearch.tsquery(words)
            return """
                SELECT id, -ts_rank(search_vector, to_tsquery('simple', \(bind: tsquery))) AS rank
                FROM clients WHERE search_vector @@ to_tsquery('simple', \(bind: tsquery))
                """
        case (.postgres, .digits(let digits)):
            let tsquery = WordSearch.tsquery([digits])
            return """
                SELECT id, MIN(rank) AS rank FROM (
                    SELECT id, -ts_rank(search_vector, to_tsquery('simple', \(bind: tsquery))) AS rank
                    FROM clients WHERE search_vector @@ to_tsquery('simple', \(bind: tsquery))
                    UNION ALL
                    SELECT id, 0.0 AS rank FROM clients WHERE search_digits LIKE \(bind: "%" + digits + "%")
                ) found GROUP BY id
                """
        }
    }

    /// The clients of the archived choice every word matches among those `predicate`
    /// keeps, without ranking. SQLite reads them off the word index (`ClientWordIndex.ids`);
    /// `archivedOnly`: the predicate tests nothing but the archived choice (a viewer who
    /// sees every client, no filter), which the word index alone answers, so the clients
    /// table is not read at all. PostgreSQL filters the rows (a newest-first page reads them
    /// along the primary key, `c.id DESC`).
    /// `planOnce`: for the newest-first page of a search already known to be broad, with a
    /// predicate that tests the archived choice alone, PostgreSQL gets the query as a subquery's
    /// value, which its planner cannot read. Where it could, each run of the kept statement was
    /// planned again (its estimate from the value always beat the generic plan's), 0.12 ms of
    /// the page's 0.9; unread, the generic plan is kept on the connection, and it is the walk
    /// along the primary key the page wants whatever the words. Not under a scope or filter:
    /// there the generic plan, guessing few matches, gathered every match of the index and
    /// sorted them (0.46–0.51 s for a seller's "pena" at a million clients, against 0.29–0.31 s).
    static func wordMatches(_ session: Session, _ words: [String], _ archived: ClientQuery.Archived,
                            where predicate: SQLQueryString, archivedOnly: Bool = false, planOnce: Bool = false)
        -> (from: SQLQueryString, predicate: SQLQueryString) {
        switch session.kind {
        case .sqlite:
            return (ClientWordIndex.ids(archived, matching: WordSearch.ftsQuery(words), where: archivedOnly ? nil : predicate),
                    "1 = 1")
        case .postgres:
            let tsquery: SQLQueryString = "to_tsquery('simple', \(bind: WordSearch.tsquery(words)))"
            return ("clients c",
                    "c.search_vector @@ \(planOnce ? "(SELECT \(tsquery))" : tsquery) AND \(predicate)")
        }
    }

    /// SQLite's newest-first page of a broad word search, as a predicate over `clients c`:
    /// the page's ids come off the word index in rowid order (FTS5 walks its rowids
    /// backwards) and stop at the page, then only their rows are read. As an `IN` list
    /// SQLite reads them in the page's order; joined to a subquery instead, it copied
    /// every row whole into a temporary b-tree to sort them again.
    static func newestWordPage(_ session: Session, _ words: [String], _ archived: ClientQuery.Archived,
                               where predicate: SQLQueryString?, limit: Int, offset: Int) -> SQLQueryString {
        """
        c.id IN (SELECT w.id FROM \(ClientWordIndex.ids(archived, matching: WordSearch.ftsQuery(words), where: predicate))
                 ORDER BY w.id DESC LIMIT \(literal: limit) OFFSET \(literal: offset))
        """
    }

    static func archived(_ session: Session, _ value: ClientQuery.Archived) -> SQLQueryString {
        switch value {
        case .active: "c.archived = \(session.literal(false))"
        case .archived: "c.archived = \(session.literal(true))"
        case .all: "1 = 1"
        }
    }

    static func filter(_ session: Session, _ filter: ClientFilter) -> SQLQueryString {
        switch filter {
        case .clientType(let id): return "c.client_type_id = \(bind: id.rawValue)"
        case .clientGroup(let id): return "c.client_group_id = \(bind: id.rawValue)"
        case .branch(let id): return "c.branch_id = \(bind: id.rawValue)"
        case .salesAgent(let id): return "c.sales_agent_id = \(bind: id.rawValue)"
        case .collector(let id): return "c.collector_id = \(bind: id.rawValue)"
        case .hasCoordinates(let yes): return yes ? "c.latitude IS NOT NULL" : "c.latitude IS NULL"
        case .text(let field, let value): return text(field, value)
        case .customField(let definition, let value): return customField(session, definition, value)
        }
    }

    static func text(_ field: ClientTextField, _ value: String) -> SQLQueryString {
        let lowered = contains(value.lowercased())
        switch field {
        case .legalName: return "c.name_key LIKE \(bind: contains(Normalization.searchKey(value))) ESCAPE '\\'"
        case .taxId: return "c.tax_id_key LIKE \(bind: contains(Normalization.compactKey(value))) ESCAPE '\\'"
        case .phone: return "c.search_digits LIKE \(bind: contains(Normalization.digits(value))) ESCAPE '\\'"
        case .email: return "c.emails LIKE \(bind: lowered) ESCAPE '\\'"
        case .country: return "c.country = \(bind: value.uppercased())"
        case .tradeName: return "lower(c.trade_name) LIKE \(bind: lowered) ESCAPE '\\'"
        case .street: return "lower(c.street) LIKE \(bind: lowered) ESCAPE '\\'"
        case .city: return "lower(c.city) LIKE \(bind: lowered) ESCAPE '\\'"
        case .state: return "lower(c.state) LIKE \(bind: lowered) ESCAPE '\\'"
        case .postalCode: return "lower(c.postal_code) LIKE \(bind: lowered) ESCAPE '\\'"
        case .description: return "lower(c.description) LIKE \(bind: lowered) ESCAPE '\\'"
        }
    }

    /// The one place where JSON access differs between the dialects.
    static func customField(_ session: Session, _ definition: CustomFieldDefinition, _ value: String) -> SQLQueryString {
        let path = "$.\"\(definition.key)\""
        let extracted: SQLQueryString = session.kind == .sqlite
            ? "json_extract(c.custom_fields, \(bind: path))" : "(c.custom_fields ->> \(bind: definition.key))"
        switch definition.type {
        case .text, .longText, .email, .phone, .url, .photoURL:
            return "lower(\(extracted)) LIKE \(bind: contains(value.lowercased())) ESCAPE '\\'"
        case .integer, .decimal:
            guard let number = Double(value.replacingOccurrences(of: ",", with: ".")) else { return "1 = 0" }
            return "CAST(\(extracted) AS \(unsafeRaw: session.kind == .sqlite ? "REAL" : "DOUBLE PRECISION")) = \(bind: number)"
        case .checkbox:
            let on = ["1", "true", "on", "si", "sí", "yes"].contains(value.lowercased())
            return session.kind == .sqlite
                ? "COALESCE(\(extracted), 0) = \(bind: on ? 1 : 0)"
                : "COALESCE(CAST(\(extracted) AS BOOLEAN), FALSE) = \(bind: on)"
        case .choice, .date:
            return "\(extracted) = \(bind: value)"
        }
    }

    static func orderBy(_ sort: ClientSort?, descending: Bool, searching: Bool) -> SQLQueryString {
        let direction = descending ? "DESC" : "ASC"
        switch sort {
        case nil where searching: return "m.rank, c.name_key, c.id"
        case nil, .name?: return "c.name_key \(unsafeRaw: direction), c.id \(unsafeRaw: direction)"
        case .number?: return "c.client_number \(unsafeRaw: direction)"
        // One direction throughout, so that `clients_city` serves both.
        case .city?:
            return "COALESCE(lower(c.city), '') \(unsafeRaw: direction), c.name_key \(unsafeRaw: direction), c.id \(unsafeRaw: direction)"
        case .updated?: return "c.updated_at \(unsafeRaw: direction), c.id \(unsafeRaw: direction)"
        case .created?: return "c.id \(unsafeRaw: direction)"
        }
    }

    /// SQLite's clause naming the index that reads clients in `sort`'s order
    /// (migrations 001 and 022); the rowid is the order of creation. `nil` where
    /// only the unique constraint's own index has the order (the client number).
    static func sortIndex(_ sort: ClientSort?) -> String? {
        switch sort {
        case nil, .name?: "INDEXED BY clients_name"
        case .city?: "INDEXED BY clients_city"
        case .updated?: "INDEXED BY clients_updated"
        case .created?: "NOT INDEXED"
        case .number?: nil
        }
    }

    /// A LIKE pattern for "contains", with the user's wildcards escaped.
    static func contains(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
