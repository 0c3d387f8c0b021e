import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Client projects in the browser and the API")
struct ProjectPagesTests {
    @Test("a project added on the card lists its pending and completed activities; bad dates are refused; the API agrees")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let (_, token) = try await world.fixture.stores.tokens.create(userID: world.seller.id, name: "t")
            try await world.withApp { client in
                var browser = Browser(client: client)
                _ = try await browser.login("vendedor@demo.test", WebWorld.password)
                let bad = try await browser.send(.post, "/clients/\(world.north.id)/projects",
                                                 form: ["name": "Sede nueva", "startsOn": "2026-12-10", "targetOn": "2026-12-01"])
                #expect(bad.status == .seeOther && bad.headers[.location] == "/clients/\(world.north.id)#projects")
                #expect(try await world.fixture.stores.projects.list(clientID: nil, by: world.seller).isEmpty)
                let made = try await browser.send(.post, "/clients/\(world.north.id)/projects",
                                                  form: ["name": "Sede nueva", "startsOn": "2026-12-01", "targetOn": "2027-01-15",
                                                         "managerId": "\(world.seller.id)"])
                let location = try #require(made.headers[.location])
                #expect(location.hasPrefix("/projects/"))
                let projectID = try #require(Project.ID(string: String(location.dropFirst("/projects/".count))))
                _ = try await browser.send(.post, "/clients/\(world.north.id)/activities", form: [
                    "date": "2026-12-02", "time": "09:00", "userId": "\(world.seller.id)", "projectId": "\(projectID)",
                    "detail": "Relevamiento del edificio"])
                let page = String(buffer: try await browser.send(.get, location).body)
                #expect(page.contains("Sede nueva") && page.contains("Relevamiento del edificio"))
                // What is left pending becomes a work order: the form comes filled from the activity, and the project lists the order.
                let activity = try #require(try await world.fixture.stores.activities.list(ActivityQuery(person: .anyone, projectID: projectID),
                                                                                            by: world.seller).first?.activity)
                #expect(page.contains("/clients/\(world.north.id)/work-orders/new?activity=\(activity.id)"))
                let prefilled = String(buffer: try await browser.send(.get, "/clients/\(world.north.id)/work-orders/new?activity=\(activity.id)").body)
                #expect(prefilled.contains(">Relevamiento del edificio</textarea>") && prefilled.contains("value=\"\(projectID)\" selected"))
                let elsewhere = String(buffer: try await browser.send(.get, "/clients/\(world.south.id)/work-orders/new?activity=\(activity.id)").body)
                #expect(!elsewhere.contains("Relevamiento del edificio"))
                #expect(try await browser.send(.post, "/clients/\(world.north.id)/work-orders", form: [
                    "priority": "normal", "projectId": "\(projectID)", "description": "Relevar tablero eléctrico"]).status == .seeOther)
                let order = try #require(try await world.fixture.stores.workOrders.list(WorkOrderQuery(projectID: projectID), by: world.seller).first)
                let finished = try await world.fixture.stores.workOrders.create(clientID: world.north.id, WorkOrderDraft(
                    projectID: projectID, assigneeID: world.seller.id, description: "Planos entregados"), by: world.fixture.admin)
                _ = try await world.fixture.stores.workOrders.registerService(finished.id, detail: "Entregados", at: world.fixture.clock.now(),
                                                                              finishes: true, expectedVersion: finished.version, by: world.fixture.admin)
                let withOrders = String(buffer: try await browser.send(.get, location).body)
                let pendingPart = try #require(withOrders.range(of: "Órdenes de trabajo pendientes").map { String(withOrders[$0.upperBound...]) })
                let donePart = try #require(pendingPart.range(of: "Órdenes de trabajo terminadas").map { String(pendingPart[$0.upperBound...]) })
                #expect(pendingPart.contains("Relevar tablero eléctrico") && !donePart.contains("Relevar tablero eléctrico"))
                #expect(donePart.contains("Planos entregados") && pendingPart.contains("OT \(order.order.orderNumber)"))
                let card = String(buffer: try await browser.send(.get, "/clients/\(world.north.id)").body)
                #expect(card.contains("1 pendientes, 0 terminadas"))

                let headers: HTTPFields = [.authorization: "Bearer \(token)"]
                let list = String(buffer: try await client.execute(uri: "/api/v1/projects?clientId=\(world.north.id)", method: .get,
                                                                   headers: headers).body)
                #expect(list.contains("\"name\":\"Sede nueva\"") && list.contains("\"startsOn\":\"2026-12-01\""))
                let activities = String(buffer: try await client.execute(uri: "/api/v1/activities?projectId=\(projectID)", method: .get,
                                                                         headers: headers).body)
                #expect(activities.contains("Relevamiento del edificio"))
            }
        }
    }
}
