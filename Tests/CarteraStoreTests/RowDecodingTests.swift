import CarteraTestSupport
@testable import CarteraStore
import Foundation
import Testing

@Suite("Row values read as SQLiteKit and PostgresKit decode them")
struct RowDecodingTests {
    @Test("each reader gives what SQLKit's own decoding gives, nulls and mismatched types included")
    func sameAsSQLKit() async throws {
        try await TestDatabase.with { db in
            try await db.read { session in
                let row = try #require(try await session.first("""
                    SELECT 7 AS i, NULL AS n, 'Peña' AS s, CAST(2.5 AS DOUBLE PRECISION) AS d, '12' AS digits, 3 AS whole
                    """))
                #expect(try row.int("i") == row.raw.decode(column: "i", as: Int64.self))
                #expect(try row.optInt("i") == 7)
                #expect(try row.optInt("n") == nil)
                #expect(try row.string("s") == "Peña")
                #expect(try row.optString("s") == "Peña")
                #expect(try row.optString("n") == nil)
                #expect(try row.double("d") == 2.5)
                #expect(try row.double("n") == nil)
                // Not the column's usual type: the answer (or the error) is SQLKit's.
                #expect((try? row.double("whole")) == (try? row.raw.decode(column: "whole", as: Double?.self)))
                #expect((try? row.int("digits")) == (try? row.raw.decode(column: "digits", as: Int64.self)))
                #expect((try? row.optString("i")) == (try? row.raw.decode(column: "i", as: String?.self)))
                #expect(throws: (any Error).self) { try row.string("missing") }
            }
        }
    }
}
