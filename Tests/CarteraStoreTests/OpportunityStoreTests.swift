import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Opportunities")
struct OpportunityStoreTests {
    static let zone = TimeZone(identifier: "America/Argentina/Buenos_Aires")!
    // Fixture.now is 2026-09-21 in Buenos Aires.
    static let today = CalendarDate("2026-09-21")!

    @Test("each status asks for what the seed says, and nothing leaves closed or lost")
    func steps() throws {
        #expect(throws: ValidationFailure([FieldError("comment", "required"), FieldError("nextContactOn", "required")])) {
            try OpportunityStep(to: .waiting).validated(from: .new, today: Self.today)
        }
        #expect(throws: ValidationFailure([FieldError("nextContactOn", "in_the_past")])) {
            try OpportunityStep(to: .waiting, comment: "Llamar", nextContactOn: CalendarDate("2026-09-20")).validated(from: .new, today: Self.today)
        }
        #expect(throws: ValidationFailure([FieldError("comment", "required")])) { try OpportunityStep(to: .working).validated(from: .waiting, today: Self.today) }
        #expect(throws: ValidationFailure([FieldError("invoiceNumber", "required")])) { try OpportunityStep(to: .closed).validated(from: .working, today: Self.today) }
        #expect(throws: ValidationFailure([FieldError("lostReason", "required"), FieldError("improvement", "required")])) {
            try OpportunityStep(to: .lost).validated(from: .working, today: Self.today)
        }
        #expect(throws: ValidationFailure([FieldError("status", "opportunity_final")])) {
            try OpportunityStep(to: .working, comment: "otra vez").validated(from: .closed, today: Self.today)
        }
        // What a status does not ask for is not kept.
        let closed = try OpportunityStep(to: .closed, nextContactOn: Self.today, invoiceNumber: " A-0001-77 ").validated(from: .waiting, today: Self.today)
        #expect(closed.invoiceNumber == "A-0001-77" && closed.nextContactOn == nil)
    }

    @Test("an opportunity moves through its statuses with a history row per step, seen by its agent and owner only (level 4)")
    func flow() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let agent = try await f.user("agente@demo.test", name: "Agente Uno")
            let other = try await f.user("otro@demo.test", name: "Agente Dos")
            let client = try await f.client("Constructora Andina SA")
            let type = try #require(try await f.stores.opportunities.types().first { $0.name == "Venta" })
            await #expect(throws: ValidationFailure([FieldError("subject", "required")])) {
                _ = try await f.stores.opportunities.create(clientID: client.id, OpportunityDraft(agentID: agent.id, subject: " "), by: f.admin)
            }
            let made = try await f.stores.opportunities.create(clientID: client.id, OpportunityDraft(
                typeID: type.id, agentID: agent.id, subject: "Ampliación de la planta", observations: "Pidió cotización",
                heardFrom: "Feria"), by: f.admin)
            #expect(made.status == .new)
            #expect(try await f.stores.opportunities.opportunity(made.id, by: agent) != nil)
            #expect(try await f.stores.opportunities.opportunity(made.id, by: other) == nil)
            #expect(try await f.stores.opportunities.list(OpportunityQuery(), by: other).isEmpty)

            let waiting = try await f.stores.opportunities.step(made.id, OpportunityStep(
                to: .waiting, comment: "Decide en octubre", nextContactOn: CalendarDate("2026-10-05")), expectedVersion: made.version,
                timeZone: Self.zone, by: agent)
            #expect(waiting.status == .waiting && waiting.nextContactOn == CalendarDate("2026-10-05"))
            await #expect(throws: StoreError.versionConflict(current: waiting.version)) {
                _ = try await f.stores.opportunities.step(made.id, OpportunityStep(to: .working, comment: "x"), expectedVersion: made.version,
                                                          timeZone: Self.zone, by: agent)
            }
            #expect(try await f.stores.opportunities.nextContacts(from: Self.today, by: agent).map(\.opportunity.id) == [made.id])
            let working = try await f.stores.opportunities.step(made.id, OpportunityStep(to: .working, comment: "Visita técnica hecha"),
                                                                expectedVersion: waiting.version, timeZone: Self.zone, by: agent)
            #expect(working.nextContactOn == nil)
            #expect(try await f.stores.opportunities.nextContacts(from: Self.today, by: agent).isEmpty)
            let closed = try await f.stores.opportunities.step(made.id, OpportunityStep(to: .closed, comment: "Firmó", invoiceNumber: "A-0001-77"),
                                                               expectedVersion: working.version, timeZone: Self.zone, by: agent)
            #expect(closed.status == .closed && closed.invoiceNumber == "A-0001-77")
            let history = try await f.stores.opportunities.history(of: made.id, by: agent)
            #expect(history.map(\.status) == [.new, .waiting, .working, .closed])
            #expect(history.map(\.step.comment) == ["Pidió cotización", "Decide en octubre", "Visita técnica hecha", "Firmó"])
            #expect(history[1].step.nextContactOn == CalendarDate("2026-10-05") && history[3].step.invoiceNumber == "A-0001-77")
            #expect(try await f.stores.opportunities.history(of: made.id, by: other).isEmpty)
            #expect(try await f.stores.opportunities.list(OpportunityQuery(statuses: [.closed]), by: agent).count == 1)
            #expect(try await f.stores.opportunities.list(OpportunityQuery(statuses: [.new, .waiting]), by: agent).isEmpty)
        }
    }
}
