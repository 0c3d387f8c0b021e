import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Demo company")
struct DemoSalesTests {
    @Test("the demo fills every phase of the funnel, with leads past and within their deadline")
    func funnel() async throws {
        try await TestDatabase.with { db in
            let stores = Stores(database: db, clock: .fixed(Fixture.now))
            _ = try await DemoGenerator(stores: stores, clock: .fixed(Fixture.now)).generate(clients: 60, adminPasswordHash: "x")
            let admin = try #require(try await stores.users.all().first { $0.email == DemoGenerator.adminEmail })
            let viewer = try #require(try await stores.users.viewer(admin.id))
            let counts = Dictionary(uniqueKeysWithValues: try await stores.funnel.counts(FunnelQuery(), by: viewer).map { ($0.phase, $0) })
            #expect(FunnelPhase.allCases.allSatisfy { (counts[$0]?.total ?? 0) > 0 })
            #expect((counts[.lead]?.statuses["not_contacted"] ?? 0) > 0 && (counts[.lead]?.statuses["to_contact"] ?? 0) > 0)
            let table = try await stores.funnel.table(FunnelTableQuery(funnel: FunnelQuery(), phase: .lead), by: viewer)
            #expect(Set(table.map(\.quality)) == [.good, .problems, .bad])
        }
    }
}
