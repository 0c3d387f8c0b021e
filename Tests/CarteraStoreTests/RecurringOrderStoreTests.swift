import CarteraCore
@testable import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Recurring work orders")
struct RecurringOrderStoreTests {
    static let madrid = TimeZone(identifier: "Europe/Madrid")!

    /// Local "YYYY-MM-DD HH:MM" of the open and in-progress orders of a client, by appointment.
    static func appointments(_ stores: Stores, _ client: Client, _ viewer: Viewer,
                             statuses: Set<WorkOrder.Status> = [.open, .inProgress]) async throws -> [String] {
        try await stores.workOrders.list(WorkOrderQuery(statuses: statuses, clientID: client.id), by: viewer).map { listing in
            let (date, time) = LocalDateTime.parts(listing.order.draft.appointmentAt!, timeZone: madrid)
            return "\(date) \(time)"
        }
    }

    @Test("every 2 weeks on Friday at 11:00 in Madrid: orders up to the horizon at 11:00 local across the October DST change, made once")
    func materialises() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)   // now: Monday 2026-09-21 16:13 in Madrid
            let stores = Stores(database: db, clock: f.clock, orderHorizon: 60 * 86_400)
            let tech = try await f.user("tecnico@demo.test", roles: ["technician"])
            let client = try await f.client("Hotel Andino")
            let rule = try await stores.recurringOrders.create(clientID: client.id, RecurringOrderDraft(
                rule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", startDate: "2026-09-25", startTime: "11:00", timeZone: "Europe/Madrid",
                template: WorkOrderDraft(priority: .high, assigneeID: tech.id, description: "Limpieza de filtros")), by: f.admin)
            #expect(rule.draft.sentence(.es) == "cada 2 semanas, los viernes a las 11:00")
            let expected = ["2026-09-25 11:00", "2026-10-09 11:00", "2026-10-23 11:00", "2026-11-06 11:00", "2026-11-20 11:00"]
            #expect(try await Self.appointments(stores, client, f.admin) == expected)
            // Madrid leaves summer time on 25 October: 11:00 is 09:00 UTC before and 10:00 UTC after.
            let utc = try await stores.workOrders.list(WorkOrderQuery(clientID: client.id), by: f.admin)
                .map { LocalDateTime.parts($0.order.draft.appointmentAt!, timeZone: .gmt).time }
            #expect(Set(utc) == ["09:00", "10:00"])
            let made = try #require(try await stores.workOrders.list(WorkOrderQuery(clientID: client.id), by: tech).first)
            #expect(made.order.ruleID == rule.id && made.order.draft.priority == .high && made.assigneeName == "tecnico")

            // The job finds nothing more to do, however many instances run it at once.
            async let one = stores.recurringOrders.materialiseDue()
            async let two = stores.recurringOrders.materialiseDue()
            #expect(try await one + two == 0)
            // Two weeks later the horizon has moved: exactly one more order each time, even when run twice concurrently.
            let later = Stores(database: db, clock: .fixed(Fixture.now.addingTimeInterval(14 * 86_400)), orderHorizon: 60 * 86_400)
            async let three = later.recurringOrders.materialiseDue()
            async let four = later.recurringOrders.materialiseDue()
            #expect(try await three + four == 1)
            #expect(try await later.recurringOrders.materialiseDue() == 0)
            #expect(try await Self.appointments(stores, client, f.admin) == expected + ["2026-12-04 11:00"])

            // An hour on, the horizon has moved past no new Friday: the pass writes nothing to the rule.
            func materialisedThrough() async throws -> Date? {
                try await db.read { try await $0.first("SELECT materialised_through AS m FROM recurring_order_rules")!.optInstant("m") }
            }
            let before = try await materialisedThrough()
            let hourLater = Stores(database: db, clock: .fixed(Fixture.now.addingTimeInterval(14 * 86_400 + 3_600)), orderHorizon: 60 * 86_400)
            #expect(try await hourLater.recurringOrders.materialiseDue() == 0)
            #expect(try await materialisedThrough() == before)
        }
    }

    @Test("editing a rule changes only its future unstarted orders; ending it cancels them; started and past ones stay")
    func editsAndEnds() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let stores = Stores(database: db, clock: f.clock, orderHorizon: 45 * 86_400)
            let client = try await f.client("Hotel Andino")
            let draft = RecurringOrderDraft(rule: "FREQ=WEEKLY;BYDAY=FR", startDate: "2026-09-25", startTime: "11:00",
                                            timeZone: "Europe/Madrid", template: WorkOrderDraft(description: "Revisión semanal"))
            let rule = try await stores.recurringOrders.create(clientID: client.id, draft, by: f.admin)
            let orders = try await stores.workOrders.list(WorkOrderQuery(statuses: [.open], clientID: client.id), by: f.admin)
            #expect(orders.count == 6)   // 25 Sep … 30 Oct
            // The technician starts the 2 October visit.
            let started = try #require(orders.first { LocalDateTime.parts($0.order.draft.appointmentAt!, timeZone: Self.madrid).date == "2026-10-02" })
            _ = try await stores.workOrders.registerService(started.order.id, detail: "Llegué antes", at: f.clock.now(), finishes: false,
                                                            expectedVersion: started.order.version, by: f.admin)

            var edited = draft
            edited.exceptionDates = ["2026-10-09"]
            edited.template.description = "Revisión semanal y limpieza"
            let saved = try await stores.recurringOrders.update(rule.id, edited, expectedVersion: rule.version, by: f.admin)
            let open = try await stores.workOrders.list(WorkOrderQuery(statuses: [.open], clientID: client.id), by: f.admin)
            #expect(open.map { LocalDateTime.parts($0.order.draft.appointmentAt!, timeZone: Self.madrid).date }
                    == ["2026-09-25", "2026-10-16", "2026-10-23", "2026-10-30"])
            #expect(open.allSatisfy { $0.order.draft.description == "Revisión semanal y limpieza" })
            let kept = try #require(try await stores.workOrders.order(started.order.id, by: f.admin))
            #expect(kept.status == .inProgress && kept.draft.description == "Revisión semanal")
            #expect(try await stores.workOrders.list(WorkOrderQuery(statuses: [.cancelled], clientID: client.id), by: f.admin).count == 1)
            await #expect(throws: StoreError.versionConflict(current: saved.version)) {
                try await stores.recurringOrders.update(rule.id, edited, expectedVersion: rule.version, by: f.admin)
            }

            let ended = try await stores.recurringOrders.end(rule.id, expectedVersion: saved.version, by: f.admin)
            #expect(ended.ended)
            #expect(try await stores.workOrders.list(WorkOrderQuery(statuses: [.open], clientID: client.id), by: f.admin).isEmpty)
            #expect(try await stores.workOrders.order(started.order.id, by: f.admin)?.status == .inProgress)
            let later = Stores(database: db, clock: .fixed(Fixture.now.addingTimeInterval(30 * 86_400)), orderHorizon: 45 * 86_400)
            #expect(try await later.recurringOrders.materialiseDue() == 0)
            #expect(try await stores.recurringOrders.rules(of: client.id, by: f.admin).map(\.ended) == [true])
        }
    }

    @Test("a rule that does not parse, a start that is not a time and a bad exception date name their fields")
    func validation() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let client = try await f.client("Hotel Andino")
            await #expect(throws: ValidationFailure([FieldError("rule", "invalid_rule"), FieldError("startTime", "invalid_time"),
                                                     FieldError("exceptionDates", "invalid_date"), FieldError("description", "required")])) {
                try await f.stores.recurringOrders.create(clientID: client.id, RecurringOrderDraft(
                    rule: "FREQ=HOURLY", startDate: "2026-09-25", startTime: "11h", timeZone: "Europe/Madrid",
                    exceptionDates: ["25/12"], template: WorkOrderDraft(description: "")), by: f.admin)
            }
        }
    }
}
