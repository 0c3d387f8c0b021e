@testable import CarteraStore
import CarteraTestSupport
import Foundation
import Logging
import SQLiteKit
import SQLKit
import Synchronization
import Testing

/// Cartera's own SQLite driver (`SQLiteHandles`): kept statements, lent handles.
/// SQLite only, whichever database the rest of the suite runs on.
@Suite("SQLite handles and their kept statements")
struct SQLiteHandleTests {
    private func withSQLite(_ body: (Database) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("handles-\(UUID().uuidString).sqlite").path
        let database = try Database.open(url: "sqlite://\(path)", logger: Logger(label: "test"))
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            try await body(database)
            try await database.shutdown()
        } catch {
            try? await database.shutdown()
            throw error
        }
    }

    @Test("a write may keep its statement journals in memory: only for its transaction, and a failed statement still undoes only itself")
    func journalsInMemory() async throws {
        try await withSQLite { db in
            try await db.write { try await $0.run("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)") }
            let rows: [SQLQueryString] = (1...500).map { "(\(bind: $0), \(bind: "nombre \($0)"))" }
            let (inside, kept) = try await db.write(journalsInMemory: true) { session -> (Int64, Int64) in
                let inside = try await session.first("PRAGMA temp_store")?.int("temp_store") ?? -1
                try await session.run("INSERT INTO t (id, name) VALUES \(rows.joined(separator: ", "))")
                // Changes pages the first statement wrote, then fails on its last row.
                let again: [SQLQueryString] = (501...1000).map { "(\(bind: $0), \(bind: "nombre \($0)"))" } + ["(1001, 'nombre 1')"]
                await #expect(throws: (any Error).self) {
                    try await session.run("INSERT INTO t (id, name) VALUES \(again.joined(separator: ", "))")
                }
                return (inside, try await session.first("SELECT count(*) AS n FROM t")?.int("n") ?? -1)
            }
            #expect(inside == 2 && kept == 500)  // 2: MEMORY
            // The pool lends the handle it got back last: the same one, its setting put back.
            #expect(try await db.read { try await $0.first("PRAGMA temp_store")?.int("temp_store") } == 0)
            #expect(try await db.read { try await $0.first("SELECT count(*) AS n FROM t")?.int("n") } == 500)
            // Put back after a failed transaction too.
            struct Failed: Error {}
            await #expect(throws: Failed.self) { try await db.write(journalsInMemory: true) { _ in throw Failed() } }
            #expect(try await db.read { try await $0.first("PRAGMA temp_store")?.int("temp_store") } == 0)
        }
    }

    @Test("a write may commit without syncing: only for its transaction, its rows kept, and the file synced on request")
    func unsyncedWrite() async throws {
        try await withSQLite { db in
            try await db.write { try await $0.run("CREATE TABLE t (id INTEGER PRIMARY KEY)") }
            let inside = try await db.write(syncing: false) { session -> Int64 in
                try await session.run("INSERT INTO t (id) VALUES (1), (2)")
                return try await session.first("PRAGMA synchronous")?.int("synchronous") ?? -1
            }
            #expect(inside == 0)  // OFF
            // The same handle, lent again, syncs as every handle does (NORMAL), after a failure too.
            #expect(try await db.read { try await $0.first("PRAGMA synchronous")?.int("synchronous") } == 1)
            struct Failed: Error {}
            await #expect(throws: Failed.self) { try await db.write(syncing: false) { _ in throw Failed() } }
            #expect(try await db.read { try await $0.first("PRAGMA synchronous")?.int("synchronous") } == 1)
            try await db.syncToDisk()
            #expect(try await db.read { try await $0.first("SELECT count(*) AS n FROM t")?.int("n") } == 2)
        }
    }

    @Test("a kept statement reads new values each run, and new columns after the table changes")
    func keptStatements() async throws {
        try await withSQLite { db in
            try await db.write { try await $0.run("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)") }
            for (id, name) in [(1, "Peña"), (2, "Nuñez\u{0}bis"), (3, "")] {
                try await db.write { try await $0.run("INSERT INTO t (id, name) VALUES (\(bind: id), \(bind: name))") }
            }
            for (id, name) in [(1, "Peña"), (2, "Nuñez\u{0}bis"), (3, "")] {
                let row = try await db.read { try await $0.first("SELECT * FROM t WHERE id = \(bind: id)") }
                #expect(try row?.string("name") == name)
                #expect(row?.raw.allColumns == ["id", "name"])
            }
            try await db.write { try await $0.run("ALTER TABLE t ADD COLUMN note TEXT") }
            let row = try await db.read { try await $0.first("SELECT * FROM t WHERE id = \(bind: 1)") }
            #expect(row?.raw.allColumns == ["id", "name", "note"])
            #expect(try row?.optString("note") == nil)
            let blob = Data([0, 1, 2, 255])
            try await db.write { try await $0.run("UPDATE t SET note = \(bind: blob) WHERE id = \(bind: 1)") }
            #expect(try await db.read { try await $0.first("SELECT note FROM t WHERE id = 1")?.bytes("note") } == blob)
        }
    }

    @Test("a result's columns are found by name: every one of many, in order or not, the first or last of a repeated name, none that is missing")
    func columnNames() throws {
        let names = (0..<40).map { "column_\($0)" } + ["id", "legal_name", "id", ""]
        let columns = ResultColumns(names, keeping: .first)
        for (offset, name) in names.enumerated() where name != "id" {
            #expect(columns.offset(of: name) == offset, "\(name)")
        }
        #expect(columns.offset(of: "id") == 40)
        // Found after the column before it too (the next column is tried first), except a repeated name.
        #expect(columns.offset(of: "legal_name") == 41 && columns.offset(of: "id") == 40)
        #expect(columns.offset(of: "column_39") == 39 && columns.offset(of: "id") == 40 && columns.offset(of: "column_3") == 3)
        #expect(columns.offset(of: "legal") == nil && columns.offset(of: "column_40") == nil && columns.offset(of: "ID") == nil)
        #expect(ResultColumns([], keeping: .first).offset(of: "id") == nil)
        // PostgreSQL's rows find the last of a repeated name, whether the name before it was read or not.
        let lastOfName = ResultColumns(names + ["id"], keeping: .last)
        #expect(lastOfName.offset(of: "id") == 44 && lastOfName.offset(of: "column_39") == 39 && lastOfName.offset(of: "id") == 44)
        #expect(lastOfName.offset(of: "legal_name") == 41 && lastOfName.offset(of: "id") == 44 && lastOfName.offset(of: "") == 43)
        let row = SQLiteResultRow(columns: ResultColumns(["n", "n"], keeping: .first), values: [.integer(1), .integer(2)])
        #expect(try row.data("n") == .integer(1) && row.contains(column: "n") && !row.contains(column: "m"))
    }

    @Test("bound values keep their SQLite type: numbers, text, their optionals, NULL, booleans, instants")
    func boundTypes() async throws {
        try await withSQLite { db in
            let values: [any Encodable & Sendable] = [
                Int64(7), 8, 2.5, "texto", Int64?.some(9), String?.some("opcional"), Double?.some(0.25),
                Int64?.none, String?.none, Int?.none, true, Bool?.none, Bool?.some(false), Double?.none,
                BoundCell.integer(5), BoundCell.real(1.5), BoundCell.text("celda"), BoundCell.null, BoundCell(String?.none),
                BoundCell.instant(Date(timeIntervalSince1970: 1_709_164_800.25)),
            ]
            let columns: [SQLQueryString] = values.enumerated().map { index, value in
                "typeof(\(bind: value)) AS t\(unsafeRaw: String(index)), \(bind: value) AS v\(unsafeRaw: String(index))"
            }
            let row = try #require(try await db.read { try await $0.first("SELECT \(columns.joined(separator: ", "))") })
            let types = try values.indices.map { try row.string("t\($0)") }
            #expect(types == ["integer", "integer", "real", "text", "integer", "text", "real", "null", "null", "null",
                              "integer", "null", "integer", "null", "integer", "real", "text", "null", "null", "integer"])
            #expect(try row.int("v0") == 7 && row.int("v1") == 8 && row.string("v3") == "texto" && row.int("v4") == 9)
            #expect(try row.string("v5") == "opcional" && row.optString("v8") == nil && row.int("v10") == 1)
            #expect(try row.int("v12") == 0 && row.double("v13") == nil)
            #expect(try row.int("v14") == 5 && row.double("v15") == 1.5 && row.string("v16") == "celda")
            #expect(try row.int("v19") == 1_709_164_800_250)
        }
    }

    @Test("a database that cannot be opened fails every waiting session instead of leaving it waiting",
          .timeLimit(.minutes(1)))
    func unopenable() async throws {
        let database = try Database.open(url: "sqlite:///nonexistent-\(UUID().uuidString)/cartera.sqlite",
                                         logger: Logger(label: "test"))
        let failures = try await AtOnce.count(SQLiteHandles.size * 3) {
            (try? await database.read { try await $0.first("SELECT 1 AS one") }) == nil
        }
        #expect(failures == SQLiteHandles.size * 3)
        try await database.shutdown()
    }

    @Test("a failing statement rolls its transaction back and leaves the handle usable")
    func failures() async throws {
        try await withSQLite { db in
            try await db.write { try await $0.run("CREATE TABLE t (id INTEGER PRIMARY KEY)") }
            await #expect(throws: SQLiteFailure.self) {
                try await db.write { session in
                    try await session.run("INSERT INTO t (id) VALUES (\(bind: 1))")
                    try await session.run("INSERT INTO t (id) VALUES (\(bind: 1))")
                }
            }
            await #expect(throws: SQLiteFailure.self) { try await db.read { try await $0.rows("SELECT nothing FROM t") } }
            #expect(try await db.read { try await $0.first("SELECT COUNT(*) AS n FROM t")?.int("n") } == 0)
            try await db.write { try await $0.run("INSERT INTO t (id) VALUES (\(bind: 1))") }
            #expect(try await db.read { try await $0.first("SELECT COUNT(*) AS n FROM t")?.int("n") } == 1)
        }
    }

    @Test("more distinct statements than are kept, and more sessions at once than handles, all answer")
    func manyStatementsAndSessions() async throws {
        try await withSQLite { db in
            let distinct = SQLiteHandle.keptStatements + 40
            let sums = try await db.read { session in
                var sums: [Int64] = []
                for n in 0..<distinct { sums.append(try await session.first("SELECT \(literal: n) + 1 AS n")!.int("n")) }
                return sums
            }
            #expect(sums == (0..<distinct).map { Int64($0 + 1) })
            let sessions = SQLiteHandles.size * 5
            let answers = try await withThrowingTaskGroup(of: (Int, Int64).self) { group in
                for n in 0..<sessions {
                    group.addTask {
                        try await db.read { session in
                            // Holds its handle across a suspension, so the others wait for one.
                            let first = try await session.first("SELECT \(bind: n) AS n")!.int("n")
                            try await Task.sleep(for: .milliseconds(5))
                            return (n, first + (try await session.first("SELECT 1 AS one")!.int("one")))
                        }
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(answers == Dictionary(uniqueKeysWithValues: (0..<sessions).map { ($0, Int64($0 + 1)) }))
        }
    }

    @Test("inside `readingInline` a SELECT runs on the caller's thread; writes and other reads on the pool's")
    func inlineReads() async throws {
        try await withSQLite { db in
            try await db.write { try await $0.run("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)") }
            /// The name of the thread each statement's rows arrive on.
            func threads(_ sql: SQLQueryString, write: Bool = false) async throws -> [String] {
                let names = Mutex<[String]>([])
                let body: (Session) async throws -> Void = { session in
                    try await session.sql.execute(sql: sql) { _ in names.withLock { $0.append(Self.threadName()) } }
                }
                if write { try await db.write(body) } else { try await db.read(body) }
                return names.withLock { $0 }
            }
            let pooled = try await threads("SELECT 1 AS one")
            #expect(pooled.count == 1 && pooled.allSatisfy { $0.hasPrefix("TP-") })
            try await Database.readingInline {
                let inline = try await threads("SELECT 1 AS one UNION ALL SELECT 2")
                #expect(inline.count == 2 && !inline.contains { $0.hasPrefix("TP-") })
                let written = try await threads("INSERT INTO t (name) VALUES ('Peña') RETURNING id", write: true)
                #expect(written.count == 1 && written.allSatisfy { $0.hasPrefix("TP-") })
            }
            let declined = try await Database.readingInline(false) { try await threads("SELECT 1 AS one") }
            #expect(declined.count == 1 && declined.allSatisfy { $0.hasPrefix("TP-") })
            #expect(try await db.read { try await $0.first("SELECT name FROM t")?.string("name") } == "Peña")
        }
    }

    /// The kernel's name of the current thread (NIO names its pool's threads `TP-#n`).
    static func threadName() -> String {
        (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
    }
}

@Suite("SQLite plans kept across bound values")
struct SQLiteStablePlanTests {
    @Test("a kept statement is not compiled again when other values are bound (partial index, LIKE, LIMIT)")
    func noRecompilation() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plans-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let handle = try SQLiteHandle(path: path)
        for statement in ["CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, name TEXT, archived INTEGER NOT NULL DEFAULT 0)",
                          "CREATE INDEX t_active_k ON t (k) WHERE archived = 0",
                          "INSERT INTO t (k, name) VALUES (1, 'peña'), (2, 'perez'), (3, 'gomez')"] {
            try handle.query(statement, []) { _ in }
        }
        let queries = ["SELECT id FROM t WHERE k = ?1 AND archived = 0", "SELECT id FROM t WHERE name LIKE ?1",
                       "SELECT id FROM t WHERE archived = ?1 LIMIT ?2"]
        let values: [[SQLiteData]] = [[.integer(1)], [.text("pe%")], [.integer(0), .integer(1)]]
        for (sql, binds) in zip(queries, values) {
            var found = 0
            for round in 0..<4 {
                let changed = binds.map { if case .integer(let n) = $0 { SQLiteData.integer(n + round % 2) } else { $0 } }
                try handle.query(sql, changed) { _ in found += 1 }
            }
            #expect(found > 0)
            #expect(handle.recompilations(of: sql) == 0, "\(sql)")
        }
    }
}
