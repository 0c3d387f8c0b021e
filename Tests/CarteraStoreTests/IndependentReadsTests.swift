@testable import CarteraStore
import CarteraTestSupport
import Synchronization
import Testing

/// `Database.reads`: independent reads, together on PostgreSQL, in turn on SQLite.
@Suite("Independent reads of one page")
struct IndependentReadsTests {
    @Test("each read's result comes back in its place")
    func inPlace() async throws {
        try await TestDatabase.with { db in
            let (number, text, rows) = try await Database.readingInline {
                try await db.reads(
                    { try await db.read { try await $0.first("SELECT 41 + 1 AS n")!.int("n") } },
                    { "sin consulta" },
                    { try await db.read { try await $0.rows("SELECT value FROM catalogue_generation").count } })
            }
            #expect(number == 42)
            #expect(text == "sin consulta")
            #expect(rows == 1)
        }
    }

    @Test("a failed read is reported once every read started has finished; in turn, none starts after it")
    func failureAfterAll() async throws {
        try await TestDatabase.with { db in
            // Together only in a bounded page on PostgreSQL; in turn on SQLite and outside such a page.
            for (bounded, together) in [(true, db.kind == .postgres), (false, false)] {
                let finished = Mutex(0)
                await #expect(throws: StoreError.notFound) {
                    try await Database.readingInline(bounded) {
                        try await db.reads(
                            { () async throws -> Int in throw StoreError.notFound },
                            { try await Task.sleep(for: .milliseconds(50)); finished.withLock { $0 += 1 } })
                    }
                }
                #expect(finished.withLock { $0 } == (together ? 1 : 0), "bounded: \(bounded)")
            }
        }
    }
}
