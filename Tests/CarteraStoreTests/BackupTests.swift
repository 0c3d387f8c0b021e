import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Logging
import Testing

@Suite("Backups")
struct BackupTests {
    @Test("a SQLite database copies to a new file that opens with its data; an existing file is not overwritten; PostgreSQL points to pg_dump")
    func copy() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            try await f.client("Antes de la copia")
            let target = FileManager.default.temporaryDirectory.appendingPathComponent("cartera-backup-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: target) }
            guard db.kind == .sqlite else {
                await #expect(throws: BackupError.postgres) { try await db.backup(to: target) }
                return
            }
            try await db.backup(to: target)
            await #expect(throws: BackupError.targetExists(target)) { try await db.backup(to: target) }
            var logger = Logger(label: "backup-test")
            logger.logLevel = .warning
            let copy = try Database.open(url: "sqlite://\(target)", logger: logger)
            let names = try await ClientStore(database: copy, clock: f.clock).list(ClientQuery(), scope: .all).clients.map(\.draft.legalName)
            try await copy.shutdown()
            #expect(names == ["Antes de la copia"])
        }
    }
}
