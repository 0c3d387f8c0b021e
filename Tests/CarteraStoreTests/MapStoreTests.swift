import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Maps and the visit heat map")
struct MapStoreTests {
    /// Clients around Córdoba and one in Lima; a seller who sees only the north group.
    struct Places {
        let f: Fixture
        let north: ClientGroup.ID
        let near: [Client]
        let lima: Client
        let nowhere: Client

        static func make(_ db: Database) async throws -> Places {
            let f = try await Fixture.make(db)
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            var near: [Client] = []
            for (n, offset) in [0.001, 0.002, 0.003].enumerated() {
                near.append(try await f.stores.clients.create(ClientDraft(legalName: "Cliente Córdoba \(n)", clientGroupID: n == 0 ? north : nil,
                                                                          latitude: -31.42 + offset, longitude: -64.18 + offset), by: f.admin))
            }
            let lima = try await f.stores.clients.create(ClientDraft(legalName: "Cliente Lima", clientGroupID: north, latitude: -12.05, longitude: -77.04),
                                                         by: f.admin)
            let nowhere = try await f.client("Cliente sin ubicación", group: north)
            return Places(f: f, north: north, near: near, lima: lima, nowhere: nowhere)
        }

        /// A finished order `days` ago: the client's last visit.
        func visit(_ client: Client, daysAgo days: Double) async throws {
            let order = try await f.stores.workOrders.create(clientID: client.id, WorkOrderDraft(description: "Visita"), by: f.admin)
            _ = try await f.stores.workOrders.registerService(order.id, detail: "Hecho", at: Fixture.now.addingTimeInterval(-days * 86_400),
                                                              finishes: true, expectedVersion: order.version, by: f.admin)
        }
    }

    @Test("clients crowd into one cell and a lone client is a pin; the box, filters and scope decide who is drawn")
    func cells() async throws {
        try await TestDatabase.with { db in
            let p = try await Places.make(db)
            let maps = p.f.stores.maps
            let rule = RecencyRule(settings: try await maps.settings(), now: Fixture.now)
            let bounds = try #require(try await maps.bounds(ClientQuery(), scope: .all))
            #expect(abs(bounds.south - -31.419) < 1e-9 && abs(bounds.north - -12.05) < 1e-9 && abs(bounds.west - -77.04) < 1e-9 && abs(bounds.east - -64.177) < 1e-9)
            let box = GeoBox(south: -40, west: -80, north: -10, east: -60)
            let cells = try await maps.cells(ClientQuery(), scope: .all, box: box, columns: 10, rows: 10, rule: rule)
            #expect(cells.map(\.count).sorted() == [1, 3])
            let pin = try #require(cells.first { $0.count == 1 }?.pin)
            #expect(pin.id == p.lima.id && pin.name == "Cliente Lima")
            #expect(cells.first { $0.count == 3 }?.pin == nil)
            // A box around Lima only.
            let limaOnly = try await maps.cells(ClientQuery(), scope: .all, box: GeoBox(south: -13, west: -78, north: -11, east: -76),
                                                columns: 4, rows: 4, rule: rule)
            #expect(limaOnly.map(\.count) == [1])
            // The seller of the north group sees two of the five.
            let seller = try await p.f.user("norte@demo.test", groups: [p.north])
            let seen = try await maps.cells(ClientQuery(), scope: .of(seller), box: box, columns: 10, rows: 10, rule: rule)
            #expect(seen.map(\.count).reduce(0, +) == 2)
            let (_, without) = try await maps.summary(ClientQuery(), scope: .of(seller), rule: rule)
            #expect(without == 1)
            // The list's search applies too.
            let searched = try await maps.cells(ClientQuery(search: "lima"), scope: .all, box: box, columns: 10, rows: 10, rule: rule)
            #expect(searched.map(\.count) == [1])
        }
    }

    @Test("the box around the clients follows the scope, the filters, the search and the archived choice")
    func bounds() async throws {
        try await TestDatabase.with { db in
            let p = try await Places.make(db)
            let maps = p.f.stores.maps
            func box(_ query: ClientQuery, _ scope: ClientScope) async throws -> [Double]? {
                try await maps.bounds(query, scope: scope).map { [$0.south, $0.west, $0.north, $0.east] }
            }
            // Lima alone: the seller of the north group sees it and Córdoba 0; the group's filter, the same.
            let seller = try await p.f.user("norte@demo.test", groups: [p.north])
            #expect(try await box(ClientQuery(), .of(seller)) == [-31.419, -77.04, -12.05, -64.179])
            #expect(try await box(ClientQuery(filters: [.clientGroup(p.north)]), .all) == [-31.419, -77.04, -12.05, -64.179])
            #expect(try await box(ClientQuery(search: "lima"), .all) == [-12.05, -77.04, -12.05, -77.04])
            #expect(try await box(ClientQuery(search: "nadie"), .all) == nil)
            // Lima archived: the active clients' box shrinks to Córdoba; the archived choice finds Lima.
            _ = try await p.f.stores.clients.setArchived(p.lima.id, true, expectedVersion: p.lima.version, by: p.f.admin)
            #expect(try await box(ClientQuery(), .all) == [-31.419, -64.179, -31.417, -64.177])
            #expect(try await box(ClientQuery(archived: .archived), .all) == [-12.05, -77.04, -12.05, -77.04])
        }
    }

    @Test("the heat map colours by days since the last visit under the company's thresholds; a period turns older visits into none")
    func recency() async throws {
        try await TestDatabase.with { db in
            let p = try await Places.make(db)
            let maps = p.f.stores.maps
            try await p.visit(p.near[0], daysAgo: 5)
            try await p.visit(p.near[1], daysAgo: 60)
            try await p.visit(p.lima, daysAgo: 200)
            var rule = RecencyRule(settings: try await maps.settings(), now: Fixture.now)
            var (recency, without) = try await maps.summary(ClientQuery(), scope: .all, rule: rule)
            #expect(recency == [.recent: 1, .medium: 1, .old: 1, .never: 1] && without == 1)
            // The grid's cells count the same colours: Córdoba's three, Lima's pin.
            let wide = GeoBox(south: -40, west: -80, north: -10, east: -60)
            let grid = try await maps.cells(ClientQuery(), scope: .all, box: wide, columns: 10, rows: 10, rule: rule)
            #expect(grid.first { $0.count == 3 }?.recency == [.recent: 1, .medium: 1, .old: 0, .never: 1])
            #expect(grid.first { $0.count == 1 }?.recency == [.recent: 0, .medium: 0, .old: 1, .never: 0])
            // Thresholds are the company's: recent up to 90 days, medium up to 365.
            let settings = try await maps.settings()
            await #expect(throws: ValidationFailure([FieldError("mediumDays", "not_after_recent")])) {
                try await maps.saveSettings(MapSettings(recentDays: 90, mediumDays: 60), expectedVersion: settings.version, by: p.f.admin)
            }
            await #expect(throws: ValidationFailure([FieldError("tileUrl", "invalid_tile_template")])) {
                try await maps.saveSettings(MapSettings(recentDays: 90, mediumDays: 365, tileURL: "https://tiles.example/{z}.png"),
                                            expectedVersion: settings.version, by: p.f.admin)
            }
            try await maps.saveSettings(MapSettings(recentDays: 90, mediumDays: 365, tileURL: "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
                                        expectedVersion: settings.version, by: p.f.admin)
            rule = RecencyRule(settings: try await maps.settings(), now: Fixture.now)
            (recency, _) = try await maps.summary(ClientQuery(), scope: .all, rule: rule)
            #expect(recency == [.recent: 2, .medium: 1, .never: 1])
            // Only visits of the last 30 days count.
            let period = RecencyRule(settings: try await maps.settings(), now: Fixture.now, visitsFrom: Fixture.now.addingTimeInterval(-30 * 86_400))
            (recency, _) = try await maps.summary(ClientQuery(), scope: .all, rule: period)
            #expect(recency == [.recent: 1, .never: 3])
            // The printable list: never visited first, then the oldest visit.
            let listed = Listed()
            try await maps.clients(ClientQuery(), scope: .all, recency: .never, rule: period) { client in listed.add(client.draft.legalName) }
            #expect(listed.names == ["Cliente Córdoba 2", "Cliente Lima", "Cliente Córdoba 1"])
            let cells = try await maps.cells(ClientQuery(), scope: .all, box: GeoBox(south: -40, west: -80, north: -10, east: -60), columns: 10,
                                             rows: 10, rule: period)
            #expect(cells.first { $0.count == 3 }?.dominant == .never && cells.first { $0.count == 3 }?.recency[.recent] == 1)
        }
    }

    final class Listed: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var names: [String] = []
        func add(_ name: String) { lock.withLock { names.append(name) } }
    }
}
