import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Calendar feeds")
struct CalendarFeedTests {
    @Test("a user's secret address lists their follow-ups and assigned orders with an appointment and next contact dates only; renewing or revoking kills the old address")
    func feed() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let due = f.clock.now().addingTimeInterval(86_400)
            _ = try await f.stores.followUps.create(clientID: world.north.id, FollowUpDraft(
                responsibleID: world.seller.id, title: "Visitar, cotizar; cerrar", description: "Llevar muestras", dueAt: due), by: f.admin)
            _ = try await f.stores.followUps.create(clientID: world.south.id, FollowUpDraft(
                responsibleID: f.admin.id, title: "Del administrador", dueAt: due), by: f.admin)
            let mine = try await f.stores.workOrders.create(clientID: world.north.id, WorkOrderDraft(
                assigneeID: world.seller.id, appointmentAt: due.addingTimeInterval(3_600), appointmentZone: "America/Argentina/Buenos_Aires",
                description: "Cambiar filtro"), by: f.admin)
            _ = try await f.stores.workOrders.create(clientID: world.north.id, WorkOrderDraft(
                assigneeID: f.admin.id, appointmentAt: due, appointmentZone: "America/Argentina/Buenos_Aires", description: "Orden ajena"), by: f.admin)
            _ = try await f.stores.workOrders.create(clientID: world.north.id, WorkOrderDraft(assigneeID: world.seller.id,
                                                                                               description: "Sin cita"), by: f.admin)
            let opportunity = try await f.stores.opportunities.create(clientID: world.north.id, OpportunityDraft(
                agentID: world.seller.id, subject: "Local nuevo"), by: f.admin)
            _ = try await f.stores.opportunities.step(opportunity.id, OpportunityStep(to: .waiting, comment: "Llamar",
                                                                                      nextContactOn: CalendarDate("2026-10-05")),
                                                      expectedVersion: opportunity.version, timeZone: .gmt, by: world.seller)
            try await world.withApp { client in
                var browser = Browser(client: client)
                _ = try await browser.login("vendedor@demo.test", WebWorld.password)
                let page = String(buffer: try await browser.send(.post, "/account/calendar", form: [:]).body)
                let path = try #require(page.range(of: "/calendar/cf_").map { start in
                    String(page[start.lowerBound...].prefix { $0 != "<" })
                })
                #expect(path.hasSuffix(".ics"))
                let feed = try await client.execute(uri: path, method: .get)
                #expect(feed.status == .ok && feed.headers[.contentType] == "text/calendar; charset=utf-8")
                let text = String(buffer: feed.body)
                #expect(text.contains("SUMMARY:Visitar\\, cotizar\\; cerrar\r\n") && !text.contains("Del administrador"))
                #expect(text.contains("DESCRIPTION:Ferretería del Norte\\nLlevar muestras"))
                #expect(text.contains("UID:work-order-\(mine.id)@cartera\r\n") && text.contains("SUMMARY:OT \(mine.orderNumber) · Ferretería del Norte\r\n"))
                #expect(text.contains("DESCRIPTION:Cambiar filtro\\nAbierta") && text.contains("DURATION:PT60M"))
                #expect(!text.contains("Orden ajena") && !text.contains("Sin cita"))
                #expect(text.contains("DTSTART;VALUE=DATE:20261005\r\nDTEND;VALUE=DATE:20261006\r\nSUMMARY:Contactar: Local nuevo · Ferretería del Norte"))
                #expect(try await client.execute(uri: path.replacingOccurrences(of: "cf_", with: "cf_x"), method: .get).status == .notFound)

                _ = try await browser.send(.post, "/account/calendar", form: [:])
                #expect(try await client.execute(uri: path, method: .get).status == .notFound)
                let account = String(buffer: try await browser.send(.get, "/account").body)
                #expect(account.contains("Dirección activa desde") && !account.contains("/calendar/cf_"))
                _ = try await browser.send(.post, "/account/calendar/revoke", form: [:])
                #expect(try await f.stores.calendarFeeds.createdAt(for: world.seller.id) == nil)
            }
        }
    }
}
