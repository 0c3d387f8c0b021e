import CarteraCore
import SQLKit

/// The clients already stored that a block of new rows may repeat: the first client with
/// each name key, sound key and phone tail. Read on a connection of its own, outside the
/// import's transaction, so it runs while the import writes the block instead of before
/// it, and it sees the clients as they were before the import: none it created (a dry run
/// rolls them back, so a commit must not name them either; the file's earlier rows are
/// hinted from memory) and none of its changes to existing clients (a client the file
/// renamed is compared under its old name).
struct ExistingMatches: Sendable {
    typealias Match = (number: Int64, name: String)
    var byName: [String: Match] = [:]
    var bySound: [String: Match] = [:]
    var byTail: [String: Match] = [:]

    /// Three queries, each reading the first match of every key off the name, sound and
    /// phone-tail indexes. A tail's client comes off the tails' own key: the store writes a
    /// tail only with its client (docs/decisions.md, "Rows written with their client hold no
    /// reference to it"), and `first` reads that client's row once anyway.
    static func find(_ values: [ClientRowValues], in database: Database) async throws -> ExistingMatches {
        try await database.read { session in
            let active = session.literal(false)
            return ExistingMatches(
                byName: try await first(session, values.map(\.nameKey),
                                        "SELECT c.id FROM clients c WHERE c.name_key = k.key AND c.archived = \(active)"),
                bySound: try await first(session, values.map(\.nameSound).filter { !$0.isEmpty },
                                         "SELECT c.id FROM clients c WHERE c.name_sound = k.key AND c.archived = \(active)"),
                byTail: try await first(session, values.flatMap(\.phoneTails),
                                        "SELECT t.client_id FROM client_phone_tails t WHERE t.tail = k.key"))
        }
    }

    /// For each key, the first client `match` finds (a query over `k.key` selecting a client's id).
    /// On SQLite the keys are one JSON array, so the statement's text is the same for every
    /// block and its handle compiles it once: a thousand `VALUES` rows, their number changing
    /// with each block, were compiled afresh for each.
    private static func first(_ session: Session, _ keys: [String], _ match: SQLQueryString) async throws -> [String: Match] {
        let keys = Set(keys).sorted()
        guard !keys.isEmpty else { return [:] }
        let list: SQLQueryString = switch session.kind {
        case .sqlite: "SELECT value FROM json_each(\(bind: keys.jsonString()))"
        case .postgres: "VALUES \(keys.map { "(\(bind: $0))" as SQLQueryString }.joined(separator: ", "))"
        }
        return Dictionary(uniqueKeysWithValues: try await session.rows("""
            WITH k (key) AS (\(list)),
            f AS (SELECT k.key, (\(match) LIMIT 1) AS id FROM k)
            SELECT f.key, c.client_number, c.legal_name FROM f JOIN clients c ON c.id = f.id
            """).map { (try $0.string("key"), (try $0.int("client_number"), try $0.string("legal_name"))) })
    }
}

extension ImportRun {
    /// Flags new clients that look like an existing one (same name, a name that sounds the
    /// same, or a phone found in another client's phones) or like an earlier row (same or
    /// same-sounding name, e-mail or phone): each row's hints (`values` are the rows' own,
    /// in order).
    mutating func hintDuplicates(of rows: [Int], _ values: [ClientRowValues], existing: ExistingMatches) -> [Int: [FieldError]] {
        var hints: [Int: [FieldError]] = [:]
        for (row, value) in zip(rows, values) {
            let (nameKey, sound) = (value.nameKey, value.nameSound)
            let earlierName = seenNames.firstRow(nameKey, row)
            let earlierSound = sound.isEmpty ? nil : seenSounds.firstRow(sound, row)
            var found: [FieldError] = []
            if let earlier = earlierName {
                found.append(FieldError("legalName", "possible_duplicate_row", [String(earlier)]))
            } else if let match = existing.byName[nameKey] {
                found.append(FieldError("legalName", "possible_duplicate", [String(match.number)]))
            } else if !sound.isEmpty, let match = existing.bySound[sound] {
                found.append(FieldError("legalName", "possible_duplicate_name", [String(match.number), match.name]))
            } else if let earlier = earlierSound {
                found.append(FieldError("legalName", "possible_duplicate_row", [String(earlier)]))
            }
            // A checked row's e-mails and phone tails, each once and sorted, as its lookup keys are.
            for key in value.emailKeys {
                if let earlier = seenEmails.firstRow(key, row) {
                    found.append(FieldError("emails", "possible_duplicate_row", [String(earlier)]))
                }
            }
            for key in value.phoneTails {
                if let earlier = seenPhones.firstRow(key, row) {
                    found.append(FieldError("phones", "possible_duplicate_row", [String(earlier)]))
                }
            }
            if let match = value.phoneTails.lazy.compactMap({ existing.byTail[$0] }).first {
                found.append(FieldError("phones", "possible_duplicate", [String(match.number)]))
            }
            if !found.isEmpty { hints[row] = found }
        }
        return hints
    }
}

extension Dictionary where Value == Int {
    /// The row `key` was first seen in, or nil if it is `row` (now kept as the first):
    /// one lookup, where asking and then adding took two, each hashing the key (a
    /// sixth of an import's transaction thread went to these tables).
    mutating func firstRow(_ key: Key, _ row: Int) -> Int? {
        Self.earlier(&self[key, default: row], than: row)
    }

    private static func earlier(_ kept: inout Int, than row: Int) -> Int? {
        kept == row ? nil : kept
    }
}
