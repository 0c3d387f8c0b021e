import SQLKit

/// Loading many rows into tables nobody else is using yet (the demo company):
/// their secondary indexes and search triggers are dropped first and built
/// again at the end, and the search tables the triggers kept are filled once.
/// Building an index from a million rows is a sort; keeping it up to date row
/// by row is a million random writes, most of the demo's time. (PostgreSQL
/// keeps a copy of every inserted row for a trigger with a transition table
/// even while the trigger is disabled, hence dropped rather than disabled.)
/// Constraints (primary keys, UNIQUE columns) stay and keep checking; on
/// PostgreSQL the tables' foreign keys are dropped too and put back at the end,
/// then checked over the loaded rows in one pass each, as `pg_restore` does:
/// checked row by row, each was a query of its own that also locked the row it
/// found (ten or so a client). PostgreSQL then vacuums and analyses the loaded
/// tables, as autovacuum would minutes later. If the body fails the indexes and keys are still
/// put back; if the process dies meanwhile, they are missing, which is why
/// nothing but an empty database should be loaded this way. For the same reason the body's
/// writes may pass `syncing: false`, as the rebuild of the indexes does, and the file is
/// synced once at the end. On SQLite each commit's copy of the log into the file was synced
/// twice: a million clients' load 57.1 → 44.9 s without, the indexes' rebuild 47.6 → 42.3 s.
extension Database {
    public func bulkLoad<R>(into tables: [String], _ body: () async throws -> R) async throws -> R {
        let definitions = try await read { try await Self.droppable($0, tables) }
        // PostgreSQL's name words mirror the clients through triggers the load drops.
        let refillsNameWords = kind == .postgres && tables.contains("clients")
        try await write { session in
            for definition in definitions { try await session.run(definition.drop) }
        }
        let started = ContinuousClock.now
        let result: Result<R, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        let loaded = ContinuousClock.now
        // Sorting a million keys in the 8 MB a connection keeps spills to files: 256 MB, and two
        // sorter threads on two cores, while the indexes are built.
        try await write(syncing: false) { session in
            try await session.withPageCache(megabytes: 256) { try await session.withPragma("threads", "2", restoring: "0") {
                // Another SQLite connection dropped them: this one may still hold the old schema, and
                // CREATE INDEX checks names against it before reading anything ("already exists").
                // Any read of the schema table first makes the connection load the current one.
                if kind == .sqlite { _ = try await session.first("SELECT count(*) AS n FROM sqlite_master") }
                if refillsNameWords {
                    for statement in ClientNameWords.refill { try await session.run(SQLQueryString(statement)) }
                }
                for definition in definitions { try await session.run(definition.sql) }
                if kind == .sqlite { try await Self.refillSearchTables(session, of: tables) }
            } }
        }
        // The keys are back (enforced for new rows) whatever the loaded rows hold; a row that
        // breaks one fails the load here without taking the rebuilt indexes with it.
        let checks = definitions.compactMap(\.check)
        var checked: Result<Void, any Error> = .success(())
        if !checks.isEmpty {
            do { try await write { session in for check in checks { try await session.run(check) } } }
            catch { checked = .failure(error) }
        }
        if kind == .postgres {
            // The loaded tables settled now, not when autovacuum next comes by. Their statistics: until
            // then the planner guesses, and the filtered, sorted client list took 1 s a page instead of
            // 4 ms. Their visibility map: until then a count off an index fetches each row from the table
            // too (the broad search's name words: 208 req/s instead of 707), and autovacuum's own pass
            // over a million clients came in the middle of the bench's first loads (search p99 64–71 ms
            // while it ran).
            let settled = refillsNameWords && !tables.contains(ClientNameWords.table) ? tables + [ClientNameWords.table] : tables
            try await read { try await $0.settle(settled) }
        }
        try await syncToDisk()
        logger.info("bulk load", metadata: ["tables": "\(tables.joined(separator: ","))", "load": "\(loaded - started)",
                                            "indexes": "\(ContinuousClock.now - loaded)"])
        let value = try result.get()
        try checked.get()
        return value
    }

    private struct Definition {
        let drop: SQLQueryString
        let sql: SQLQueryString
        /// Run once `sql` has committed: a check of the loaded rows.
        var check: SQLQueryString? = nil
    }

    /// Indexes not backing a constraint, triggers other than the constraints' own and, on PostgreSQL,
    /// foreign keys, of `tables`.
    private static func droppable(_ session: Session, _ tables: [String]) async throws -> [Definition] {
        switch session.kind {
        case .sqlite:
            return try await session.rows("""
                SELECT type, name, sql FROM sqlite_master
                WHERE tbl_name IN (\(binds: tables)) AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name
                """).map { row in
                Definition(drop: "DROP \(unsafeRaw: try row.string("type").uppercased()) \(ident: try row.string("name"))",
                           sql: SQLQueryString(try row.string("sql")))
            }
        case .postgres:
            let indexes = try await session.rows("""
                SELECT indexname, indexdef FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename IN (\(binds: tables))
                    AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname
                """).map { Definition(drop: "DROP INDEX \(ident: try $0.string("indexname"))", sql: SQLQueryString(try $0.string("indexdef"))) }
            let triggers = try await session.rows("""
                SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) AS definition FROM pg_trigger t
                JOIN pg_class c ON c.oid = t.tgrelid
                WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace AND c.relname IN (\(binds: tables))
                ORDER BY t.tgname
                """).map { row in
                Definition(drop: "DROP TRIGGER \(ident: try row.string("tgname")) ON \(ident: try row.string("relname"))",
                           sql: SQLQueryString(try row.string("definition")))
            }
            let keys = try await session.rows("""
                SELECT k.conname, c.relname, pg_get_constraintdef(k.oid) AS definition FROM pg_constraint k
                JOIN pg_class c ON c.oid = k.conrelid
                WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace AND c.relname IN (\(binds: tables))
                ORDER BY k.conname
                """).map { row in
                let (name, table) = (try row.string("conname"), try row.string("relname"))
                return Definition(drop: "ALTER TABLE \(ident: table) DROP CONSTRAINT \(ident: name)",
                                  sql: "ALTER TABLE \(ident: table) ADD CONSTRAINT \(ident: name) \(unsafeRaw: try row.string("definition")) NOT VALID",
                                  check: "ALTER TABLE \(ident: table) VALIDATE CONSTRAINT \(ident: name)")
            }
            return indexes + triggers + keys
        }
    }

    /// Search tables that mirror a loaded table re-read it: whole, or their part of it.
    /// FTS5 writes its words out each time 1 MB of them is pending, then merges what it
    /// wrote; 64 MB at a time, and freed pages not overwritten with zeros (nothing in them
    /// but the same words), halve that: the clients' word index at a million clients
    /// 22 → 13 s, their digits 5.8 → 3.5 s. Both are put back.
    private static func refillSearchTables(_ session: Session, of tables: [String]) async throws {
        try await session.withPragma("secure_delete", "OFF", restoring: "ON") {
            for table in try await searchTables(session, tables) {
                try await session.setSearchOption(table, "hashsize", 64 << 20)
                if let refill = ClientWordIndex.refills[table] {
                    for statement in refill { try await session.run(SQLQueryString(statement)) }
                } else {
                    try await session.run("INSERT INTO \(ident: table) (\(ident: table)) VALUES ('rebuild')")
                }
                try await session.setSearchOption(table, "hashsize", defaultPendingWords)
            }
        }
    }

    /// FTS5's own default `hashsize` (`FTS5_DEFAULT_HASHSIZE`): how many bytes of words it
    /// keeps in memory before writing them to the table.
    static let defaultPendingWords = 1 << 20

    /// FTS5 tables whose content is one of `tables`.
    private static func searchTables(_ session: Session, _ tables: [String]) async throws -> [String] {
        try await session.rows("""
            SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'
            """).compactMap { row in
            let sql = try row.string("sql").replacingOccurrences(of: " ", with: "")
            return tables.contains { sql.contains("content='\($0)'") } ? try row.string("name") : nil
        }
    }
}

extension Session {
    /// PostgreSQL: vacuums and analyses tables just filled, outside a transaction as VACUUM must be,
    /// so the planner has their statistics and a count off an index their visibility map at once.
    func settle(_ tables: [String]) async throws {
        try await run("VACUUM (ANALYZE) \(tables.map { "\(ident: $0)" as SQLQueryString }.joined(separator: ", "))")
    }

    /// Sets one of an FTS5 table's options (`hashsize`, `automerge`): FTS5 keeps it in the
    /// table itself, so it is written, and rolled back, with the transaction.
    func setSearchOption(_ table: String, _ option: String, _ value: Int) async throws {
        try await run("INSERT INTO \(ident: table) (\(ident: table), rank) VALUES (\(bind: option), \(literal: value))")
    }
}
