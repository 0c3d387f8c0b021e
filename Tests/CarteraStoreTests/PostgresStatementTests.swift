import Foundation
@testable import CarteraStore
import CarteraTestSupport
import NIOCore
import SQLKit
import Testing

/// Statements kept prepared on PostgreSQL connections (`PostgresStatements`).
@Suite("PostgreSQL statements kept on their connections",
       .enabled(if: TestDatabase.postgresURL != nil, "needs CARTERA_TEST_POSTGRES_URL"))
struct PostgresStatementTests {
    /// Enough sessions at once to use every connection of the pool.
    private static let sessions = 24

    @Test("a statement is prepared once per connection and run again by name")
    func keptByName() async throws {
        try await TestDatabase.with { db in
            let counts = try await db.read { session in
                var counts: [Int64] = []
                for n in [1, 2, 1, 2, 3] {
                    _ = try await session.first("SELECT \(literal: n) + \(bind: 1) AS n")
                    counts.append(try await session.first(
                        "SELECT COUNT(*) AS n FROM pg_prepared_statements WHERE statement LIKE \(bind: "SELECT % + $1 AS n")")!.int("n"))
                }
                return counts
            }
            #expect(counts == [1, 2, 2, 2, 3])
        }
    }

    @Test("optional values, present or NULL, are bound to a kept statement like any other")
    func optionalsKept() async throws {
        try await TestDatabase.with { db in
            let values: [any Encodable & Sendable] = [String?.some("cuarenta"), String?.none, Int64??.some(.some(42)), Date?.none]
            let prepared = try await db.read { session in
                var texts: [String?] = []
                for value in values {
                    texts.append(try await session.first("SELECT CAST(\(bind: value) AS TEXT) AS optional_v")!.optString("optional_v"))
                }
                #expect(texts == ["cuarenta", nil, "42", nil])
                return try await session.first(
                    "SELECT COUNT(*) AS n FROM pg_prepared_statements WHERE statement LIKE \(bind: "%AS optional_v")")!.int("n")
            }
            // Text, NULL (one name whatever its type) and bigint: three statements prepared, none run unprepared.
            #expect(prepared == 3)
        }
    }

    @Test("typed bound cells (a client's columns) are bound to a kept statement, not sent the unprepared way")
    func boundCellsKept() async throws {
        try await TestDatabase.with { db in
            let cells: [BoundCell] = [.text("cuarenta"), .integer(42), .real(4.5), .null]
            let prepared = try await db.read { session in
                var texts: [String?] = []
                for cell in cells {
                    texts.append(try await session.first("SELECT CAST(\(bind: cell as BoundValue) AS TEXT) AS cell_v")!.optString("cell_v"))
                }
                #expect(texts == ["cuarenta", "42", "4.5", nil])
                let instant = BoundCell.instant(Date(timeIntervalSince1970: 1_709_164_800.25))
                let seconds = try await session.first("""
                    SELECT CAST(EXTRACT(EPOCH FROM \(bind: instant as BoundValue)) AS DOUBLE PRECISION) AS instant_v
                    """)!
                #expect(try seconds.double("instant_v") == 1_709_164_800.25)
                return try await session.first("""
                    SELECT COUNT(*) AS n FROM pg_prepared_statements
                    WHERE statement LIKE \(bind: "%AS cell_v") OR statement LIKE \(bind: "%AS instant_v")
                    """)!.int("n")
            }
            #expect(prepared == 5)
        }
    }

    @Test("the same text bound with values of other types prepares each as its own statement")
    func typesPerStatement() async throws {
        try await TestDatabase.with { db in
            let values: [any Encodable & Sendable] = [42, "cuarenta y dos", Int?.none, 7]
            var texts: [String?] = []
            for value in values {
                texts.append(try await db.read { try await $0.first("SELECT CAST(\(bind: value) AS TEXT) AS v")!.optString("v") })
            }
            #expect(texts == ["42", "cuarenta y dos", nil, "7"])
        }
    }

    @Test("a statement that failed before its table existed works once the table is made")
    func failedPreparation() async throws {
        try await TestDatabase.with { db in
            let read: @Sendable () async throws -> Int64 = {
                try await db.read { try await $0.first("SELECT COUNT(*) AS n FROM later WHERE id > \(bind: 0)")!.int("n") }
            }
            let failures = try await AtOnce.count(Self.sessions) { (try? await read()) == nil }
            #expect(failures == Self.sessions)
            try await db.write { try await $0.run("CREATE TABLE later (id INTEGER PRIMARY KEY)") }
            let answers = try await AtOnce.count(Self.sessions) { (try? await read()) == 0 }
            #expect(answers == Self.sessions)
        }
    }

    @Test("after a column is added, each connection fails at most once on a prepared SELECT *, then sees it")
    func changedColumns() async throws {
        try await TestDatabase.with { db in
            try await db.write { try await $0.run("CREATE TABLE wide (id INTEGER PRIMARY KEY)") }
            try await db.write { try await $0.run("INSERT INTO wide (id) VALUES (\(bind: 1))") }
            let columns: @Sendable () async throws -> Int = {
                try await db.read { try await $0.first("SELECT * FROM wide WHERE id = \(bind: 1)")!.raw.allColumns.count }
            }
            #expect(try await AtOnce.count(Self.sessions) { (try? await columns()) == 1 } == Self.sessions)
            try await db.write { try await $0.run("ALTER TABLE wide ADD COLUMN note TEXT") }
            var failures = 0
            for _ in 0..<3 { failures += try await AtOnce.count(Self.sessions) { (try? await columns()) != 2 } }
            #expect(failures <= db.pool.capacity)
            #expect(try await AtOnce.count(Self.sessions) { (try? await columns()) == 2 } == Self.sessions)
        }
    }

    @Test("columns are found by name in every row of a result: of two with one name the last, a missing one as missing")
    func columnsByName() async throws {
        try await TestDatabase.with { db in
            let rows = try await db.read { session in
                try await session.rows("SELECT n AS a, n * 10 AS a, CASE WHEN n = 2 THEN NULL ELSE n END AS b FROM generate_series(1, 3) n")
            }
            #expect(try rows.map { try $0.int("a") } == [10, 20, 30])
            #expect(try rows.map { try $0.optInt("b") } == [1, nil, 3])
            #expect(rows.allSatisfy { !$0.raw.contains(column: "c") && $0.raw.allColumns == ["a", "a", "b"] })
            #expect(try rows[0].raw.decodeNil(column: "c") && rows[1].raw.decodeNil(column: "b") && !rows[0].raw.decodeNil(column: "b"))
            #expect(throws: (any Error).self) { try rows[0].int("c") }
        }
    }

    @Test("Cartera's sessions scan a table from its start and plan for a database in memory")
    func sessionSettings() async throws {
        try await TestDatabase.with { db in
            let settings = try await db.read { session in
                try await session.first("""
                    SELECT current_setting('synchronize_seqscans') AS scans, current_setting('random_page_cost') AS random
                    """)!
            }
            #expect(try settings.string("scans") == "off")
            #expect(try settings.string("random") == "1.1")
        }
    }
}
