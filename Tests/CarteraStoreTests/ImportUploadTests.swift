import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Uploads waiting for their import job")
struct ImportUploadTests {
    @Test("a file of several parts comes back byte for byte, only to its owner")
    func partsRoundTrip() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let bytes = Data((0..<(2_500_000)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("cartera-test-\(UUID().uuidString)")
            try bytes.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let id = try await f.stores.importUploads.save(file, kind: "clients", fileName: "clientes.xlsx", settings: "{}", by: f.admin)

            let upload = try #require(try await f.stores.importUploads.upload(id, by: f.admin))
            #expect(upload.size == 2_500_000 && upload.state == .waiting && upload.fileName == "clientes.xlsx")
            let back = file.appendingPathExtension("back")
            defer { try? FileManager.default.removeItem(at: back) }
            try await f.stores.importUploads.copy(id, to: back)
            #expect(try Data(contentsOf: back) == bytes)

            let other = try await f.user("otra@demo.test", roles: ["admin"], level: .company)
            #expect(try await f.stores.importUploads.upload(id, by: other) == nil)
            #expect(try await f.stores.importUploads.start(id, settings: "{}", by: other) == false)
        }
    }

    @Test("a run is claimed once; a committed upload never runs again; day-old uploads are swept")
    func claims() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("cartera-test-\(UUID().uuidString).csv")
            try Data("Razón social\nUno\n".utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let uploads = f.stores.importUploads
            let id = try await uploads.save(file, kind: "clients", fileName: "a.csv", settings: "{}", by: f.admin)

            #expect(try await uploads.start(id, settings: "{\"n\":1}", by: f.admin))
            #expect(try await uploads.start(id, settings: "{\"n\":2}", by: f.admin) == false)
            #expect(try await uploads.upload(id, by: f.admin)?.settings == "{\"n\":1}")
            try await uploads.finish(id, state: .ready, result: "{}")
            #expect(try await uploads.start(id, settings: "{}", by: f.admin))
            try await uploads.finish(id, state: .committed, result: "{}")
            #expect(try await uploads.start(id, settings: "{}", by: f.admin) == false)

            // Half an hour later a job still "running" counts as abandoned and may be claimed again.
            let second = try await uploads.save(file, kind: "clients", fileName: "b.csv", settings: "{}", by: f.admin)
            #expect(try await uploads.start(second, settings: "{}", by: f.admin))
            let later = ImportUploadStore(database: db, clock: .fixed(f.clock.now().addingTimeInterval(31 * 60)))
            #expect(try await later.start(second, settings: "{}", by: f.admin))

            let nextDay = ImportUploadStore(database: db, clock: .fixed(f.clock.now().addingTimeInterval(86_401)))
            #expect(try await nextDay.purgeExpired() == 2)
            #expect(try await uploads.upload(id, by: f.admin) == nil)
        }
    }
}
