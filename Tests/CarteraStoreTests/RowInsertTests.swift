import CarteraCore
@testable import CarteraStore
import CarteraTestSupport
import Foundation
import NIOCore
import Testing

@Suite("Rows inserted in bulk")
struct RowInsertTests {
    @Test("more rows than one statement holds all go in, with their values, and RETURNING reports each")
    func blocks() async throws {
        try await TestDatabase.with { db in
            let count = 1_234
            let returned = try await db.write { session in
                let rows: [[BoundCell]] = (0..<count).map { n in
                    [.instant(Fixture.now), .null, .text("probe"), .integer(Int64(n)), BoundCell(n % 2 == 0 ? Int64(n) : nil), .text("made"),
                     .text("[\(n)]")]
                }
                return try await session.insert(into: "audit_events", columns: ["at", "user_id", "entity", "entity_id", "client_id",
                                                                                 "action", "changes"],
                                                rows: rows, returning: "entity_id").map { try $0.int("entity_id") }
            }
            #expect(returned.sorted() == (0..<Int64(count)).map { $0 })
            let stored = try await db.read { session in
                try await session.rows("""
                    SELECT entity_id, client_id, changes, at FROM audit_events WHERE entity = 'probe' ORDER BY entity_id
                    """).map { (try $0.int("entity_id"), try $0.optInt("client_id"), try $0.string("changes"), try $0.instant("at")) }
            }
            #expect(stored.count == count)
            #expect(stored.allSatisfy { $0.1 == ($0.0 % 2 == 0 ? $0.0 : nil) && $0.2 == "[\($0.0)]" && $0.3 == Fixture.now })
        }
    }

    @Test("rows with every kind of value, tabs, newlines and backslashes in their text, go in and read back unchanged")
    func awkwardValues() async throws {
        try await TestDatabase.with { db in
            let texts = ["tab\there", "line\nbreak", "back\\slash \\N", "cr\r\n", "Peña “comillas” 'simples' 🇦🇷", "", "\\"]
            // Now; 1940-01-01 00:00:00.5; 2024-02-29 00:00:00.25 (fractions SQLite's milliseconds hold).
            let instants = [Fixture.now, Date(timeIntervalSince1970: -946_771_200 + 0.5), Date(timeIntervalSince1970: 1_709_164_800.25)]
            let stored = try await db.write { session in
                let (integer, real, instant) = session.kind == .sqlite ? ("INTEGER", "REAL", "INTEGER") : ("BIGINT", "DOUBLE PRECISION", "TIMESTAMPTZ")
                try await session.run("""
                    CREATE TEMP TABLE probe (n \(unsafeRaw: integer), t TEXT, x \(unsafeRaw: real), at \(unsafeRaw: instant), cell TEXT)
                    """)
                let rows: [[BoundCell]] = texts.enumerated().map { n, text in
                    [.integer(Int64(n)), BoundCell(n == 5 ? nil : text), BoundCell(n % 2 == 0 ? 1.5e-7 * Double(n) : nil),
                     .instant(instants[n % instants.count]), n == 6 ? .null : .text(text)]
                }
                _ = try await session.insert(into: "probe", columns: ["n", "t", "x", "at", "cell"], rows: rows)
                let read = try await session.rows("SELECT n, t, x, at, cell FROM probe ORDER BY n").map {
                    (try $0.optString("t"), try $0.double("x"), try $0.instant("at"), try $0.optString("cell"))
                }
                try await session.run("DROP TABLE probe")
                return read
            }
            #expect(stored.map(\.0) == texts.enumerated().map { $0 == 5 ? nil : $1 })
            #expect(stored.map(\.1) == texts.indices.map { $0 % 2 == 0 ? 1.5e-7 * Double($0) : nil })
            #expect(stored.map(\.2) == texts.indices.map { instants[$0 % instants.count] })
            #expect(stored.map(\.3) == texts.enumerated().map { $0 == 6 ? nil : $1 })
        }
    }

    @Test("COPY's instants are PostgreSQL's text of the microsecond PostgresNIO would bind")
    func copyInstants() {
        func text(_ date: Date) -> String {
            var buffer = ByteBufferAllocator().buffer(capacity: 32)
            CopyRows.writeInstant(date, into: &buffer)
            return buffer.readString(length: buffer.readableBytes)!
        }
        #expect(text(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000+00")
        #expect(text(Date(timeIntervalSince1970: 1_709_164_800.25)) == "2024-02-29 00:00:00.250000+00")
        #expect(text(Date(timeIntervalSince1970: 951_782_399.999999)) == "2000-02-28 23:59:59.999999+00")
        #expect(text(Date(timeIntervalSince1970: -1)) == "1969-12-31 23:59:59.000000+00")
        #expect(text(Date(timeIntervalSince1970: 4_102_444_800)) == "2100-01-01 00:00:00.000000+00")
    }

    @Test("a bigger page cache for one transaction is put back afterwards, also when it fails")
    func pageCache() async throws {
        struct Refused: Error {}
        try await TestDatabase.with { db in
            guard db.kind == .sqlite else { return }
            try await db.write { session in
                func cacheSize() async throws -> Int64 { try await session.first("PRAGMA cache_size")!.int("cache_size") }
                let inside = try await session.withPageCache(megabytes: 64) { try await cacheSize() }
                #expect(inside == -65_536)
                #expect(try await cacheSize() == Int64(SQLiteHandle.cacheSize))
                await #expect(throws: Refused.self) {
                    try await session.withPageCache(megabytes: 64) { () async throws -> Void in throw Refused() }
                }
                #expect(try await cacheSize() == Int64(SQLiteHandle.cacheSize))
            }
        }
    }
}
