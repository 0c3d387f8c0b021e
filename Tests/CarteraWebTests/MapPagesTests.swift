import CarteraCore
import CarteraStore
import CarteraTestSupport
import CarteraWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Maps, heat map and home page in the browser")
struct MapPagesTests {
    @Test("a client is placed by a click on the map, by typed coordinates, or by its address when a geocoder is configured")
    func place() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            _ = try await f.stores.clients.update(world.north.id, ClientDraft(legalName: world.north.draft.legalName, clientGroupID: world.north.draft.clientGroupID,
                                                                             address: Address(street: "Av. Colón", number: "1200", city: "Córdoba")),
                                                  expectedVersion: world.north.version, by: f.admin)
            try await world.withApp(geocoder: { _ in StandInGeocoder(answer: (-31.4135, -64.1811)) }) { client in
                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                let page = String(buffer: try await seller.send(.get, "/clients/\(world.north.id)/place").body)
                #expect(page.contains("data-pick=\"map-pick\"") && !page.contains("/geocode"))
                // The middle of a view centred on a spot is that spot.
                let clicked = try await seller.send(.post, "/clients/\(world.north.id)/place", form: [
                    "version": "2", "z": "15", "lat": "-31.42", "lon": "-64.18", "x": "480", "y": "300"])
                #expect(clicked.status == .seeOther)
                var placed = try #require(try await f.stores.clients.client(world.north.id, scope: .all))
                #expect(placed.draft.latitude == -31.42 && placed.draft.longitude == -64.18)
                let typed = try await seller.send(.post, "/clients/\(world.north.id)/place", form: ["version": "3", "latitude": "-31,4", "longitude": "x"])
                #expect(typed.status == .unprocessableContent && String(buffer: typed.body).contains("«Latitud»"))
                #expect(try await seller.send(.post, "/clients/\(world.north.id)/place", form: ["version": "2", "latitude": "-31.5", "longitude": "-64.2"])
                    .status == .conflict)
                // The south client is not the seller's to place.
                #expect(try await seller.send(.get, "/clients/\(world.south.id)/place").status == .notFound)

                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                #expect(try await admin.send(.post, "/admin/maps", form: ["version": "1", "recentDays": "30", "mediumDays": "90",
                                                                         "geocoderUrl": "https://nominatim.example/search"]).status == .seeOther)
                #expect(String(buffer: try await seller.send(.get, "/clients/\(world.north.id)/place").body).contains("/clients/\(world.north.id)/geocode"))
                #expect(try await seller.send(.post, "/clients/\(world.north.id)/geocode", form: ["version": "3"]).status == .seeOther)
                placed = try #require(try await f.stores.clients.client(world.north.id, scope: .all))
                #expect(placed.draft.latitude == -31.4135 && placed.draft.longitude == -64.1811)
            }
        }
    }

    @Test("the map draws the clients a user sees with links to their cards; the heat map's legend and printable list; settings; home")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            // Coordinates for the two clients of the world; a third far away, in the south group.
            _ = try await f.stores.clients.update(world.north.id, ClientDraft(legalName: world.north.draft.legalName, clientGroupID: world.north.draft.clientGroupID,
                                                                             latitude: -31.42, longitude: -64.18), expectedVersion: world.north.version, by: f.admin)
            _ = try await f.stores.clients.update(world.south.id, ClientDraft(legalName: world.south.draft.legalName, clientGroupID: world.south.draft.clientGroupID,
                                                                             latitude: -34.60, longitude: -58.38), expectedVersion: world.south.version, by: f.admin)
            let order = try await f.stores.workOrders.create(clientID: world.north.id, WorkOrderDraft(description: "Visita"), by: f.admin)
            _ = try await f.stores.workOrders.registerService(order.id, detail: "Hecho", at: Fixture.now.addingTimeInterval(-10 * 86_400),
                                                              finishes: true, expectedVersion: order.version, by: f.admin)
            try await world.withApp { client in
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                let map = String(buffer: try await admin.send(.get, "/map").body)
                #expect(map.contains("<svg class=\"map\"") && map.contains("href=\"/clients/\(world.north.id)\"")
                        && map.contains("href=\"/clients/\(world.south.id)\"") && map.contains("class=\"graticule\"") && !map.contains("<image"))
                // The world view groups both into one cluster that zooms in.
                let world_ = String(buffer: try await admin.send(.get, "/map?z=2&lat=-20&lon=-60").body)
                #expect(world_.contains(">2</text>") && world_.contains("/map?z=4&amp;lat="))
                let heat = String(buffer: try await admin.send(.get, "/map?mode=heat").body)
                #expect(heat.contains("Visitados en los últimos 30 días</span> <strong>1</strong>") && heat.contains("Nunca visitados (!)</span> <strong>1</strong>")
                        && heat.contains(">!</text>"))
                let never = String(buffer: try await admin.send(.get, "/map/list?recency=never").body)
                #expect(never.contains("Panadería del Sur") && !never.contains("Ferretería del Norte") && never.contains("class=\"print-header\""))
                let csv = String(buffer: try await admin.send(.get, "/map/list/export?recency=recent&format=csv&bom=0").body)
                #expect(csv.contains("Ferretería del Norte") && (csv.contains(";10\r\n") || csv.contains(";10\n")))
                #expect(try await admin.send(.get, "/map/list?recency=pronto").status == .unprocessableContent)

                // Tiles once a server is configured; a bad template is refused with the field named.
                let bad = try await admin.send(.post, "/admin/maps", form: ["version": "1", "recentDays": "30", "mediumDays": "90",
                                                                           "tileUrl": "https://tiles.example/{z}.png"])
                #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("«Servidor de mapas (teselas)»"))
                #expect(try await admin.send(.post, "/admin/maps", form: ["version": "1", "recentDays": "30", "mediumDays": "90",
                                                                         "tileUrl": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"]).status == .seeOther)
                let tiled = String(buffer: try await admin.send(.get, "/map").body)
                #expect(tiled.contains("<image href=\"https://tile.openstreetmap.org/") && tiled.contains("tile.openstreetmap.org</text>"))

                // The seller of the north group sees only theirs, on the map, in the legend and in the list.
                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                let theirs = String(buffer: try await seller.send(.get, "/map?mode=heat").body)
                #expect(theirs.contains("href=\"/clients/\(world.north.id)\"") && !theirs.contains("href=\"/clients/\(world.south.id)\""))
                #expect(!String(buffer: try await seller.send(.get, "/map/list?recency=never").body).contains("Panadería del Sur"))
                #expect(try await seller.send(.get, "/admin/maps").status == .forbidden)

                // The API gives the same grid to integrations, in the caller's scope.
                let (_, sellerToken) = try await f.stores.tokens.create(userID: world.seller.id, name: "t")
                let api: HTTPFields = [.authorization: "Bearer \(sellerToken)"]
                let grid = String(buffer: try await client.execute(uri: "/api/v1/map?south=-40&west=-70&north=-30&east=-50&columns=4&rows=4",
                                                                   method: .get, headers: api).body)
                #expect(grid.contains("\"id\":\(world.north.id)") && !grid.contains("\"id\":\(world.south.id)")
                        && grid.contains("\"recency\":{\"medium\":0,\"never\":0,\"old\":0,\"recent\":1}"))
                let badBox = try await client.execute(uri: "/api/v1/map?south=-40&west=-70", method: .get, headers: api)
                #expect(badBox.status == .unprocessableContent && String(buffer: badBox.body).contains("north"))

                // Home: today's follow-ups, open orders, the funnel and the clients without visits, each a link.
                let home = String(buffer: try await admin.send(.get, "/").body)
                #expect(home.contains("href=\"/follow-ups?tab=overdue\"") && home.contains("href=\"/funnel?phase=lead\"")
                        && home.contains("href=\"/map/list?recency=never\""))
            }
        }
    }
}
