import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Work orders")
struct WorkOrderStoreTests {
    @Test("an order goes open → in progress → finished → reopened → verified; the assignee sees it and its client; every step is audited")
    func lifecycle() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let south = try await f.stores.catalogues.createClientGroup(name: "Sur", userIDs: [], by: nil)
            let tech = try await f.user("tecnico@demo.test", roles: ["technician"], groups: [north])
            let other = try await f.user("otro@demo.test", roles: ["technician"], groups: [north])
            let supervisor = try await f.user("super@demo.test", roles: ["supervisor"], level: .company)
            let client = try await f.client("Clínica del Sur", group: south)
            let repair = try await f.stores.organisation.createActivityCategory(name: "Reparación", by: nil)
            #expect(try await f.stores.clients.client(client.id, scope: .of(tech)) == nil)

            let order = try await f.stores.workOrders.create(clientID: client.id, WorkOrderDraft(
                categoryID: repair, priority: .urgent, assigneeID: tech.id, appointmentAt: f.clock.now().addingTimeInterval(3600),
                appointmentZone: "America/Argentina/Buenos_Aires", description: "El compresor no enfría",
                equipmentReceived: "Control remoto"), by: f.admin)
            #expect(order.status == .open && order.orderNumber == 1 && order.ownerID == f.admin.id)
            // Rule 1: the order assigned to the technician makes its client visible to them; rule 2 hides it from others.
            #expect(try await f.stores.clients.client(client.id, scope: .of(tech)) != nil)
            #expect(try await f.stores.workOrders.order(order.id, by: tech) != nil)
            #expect(try await f.stores.workOrders.order(order.id, by: other) == nil)
            #expect(try await f.stores.workOrders.order(number: 1, by: tech)?.id == order.id)

            let started = try await f.stores.workOrders.registerService(order.id, detail: "Revisé el compresor, falta gas",
                                                                        at: f.clock.now(), finishes: false,
                                                                        expectedVersion: order.version, by: tech)
            #expect(started.status == .inProgress && started.finishedAt == nil)
            #expect(try await f.stores.clients.client(client.id, scope: .all)?.lastVisitAt == nil)
            await #expect(throws: StoreError.versionConflict(current: started.version)) {
                try await f.stores.workOrders.registerService(order.id, detail: "Otra vez", at: f.clock.now(), finishes: false,
                                                              expectedVersion: order.version, by: tech)
            }
            let visitAt = f.clock.now().addingTimeInterval(7200)
            let finished = try await f.stores.workOrders.registerService(order.id, detail: "Cargué gas R410", at: visitAt, finishes: true,
                                                                         expectedVersion: started.version, by: tech)
            #expect(finished.status == .finished && finished.finishedAt == visitAt)
            #expect(try await f.stores.clients.client(client.id, scope: .all)?.lastVisitAt == visitAt)
            #expect(try await f.stores.workOrders.services(of: order.id, by: tech).map(\.entry.detail)
                    == ["Revisé el compresor, falta gas", "Cargué gas R410"])

            // Verifying needs the permission; reopening needs the reason.
            await #expect(throws: StoreError.forbidden) {
                try await f.stores.workOrders.verify(order.id, VerificationDraft(comments: nil, rating: 5, closed: true),
                                                     expectedVersion: finished.version, by: tech)
            }
            await #expect(throws: ValidationFailure([FieldError("comments", "required"), FieldError("rating", "out_of_range", ["1", "5"])])) {
                try await f.stores.workOrders.verify(order.id, VerificationDraft(comments: " ", rating: 9, closed: false),
                                                     expectedVersion: finished.version, by: supervisor)
            }
            let reopened = try await f.stores.workOrders.verify(order.id, VerificationDraft(comments: "Sigue goteando", rating: 2, closed: false),
                                                                expectedVersion: finished.version, by: supervisor)
            #expect(reopened.status == .inProgress && reopened.finishedAt == nil && reopened.verification?.comments == "Sigue goteando")
            await #expect(throws: ValidationFailure([FieldError("status", "not_finished")])) {
                try await f.stores.workOrders.verify(order.id, VerificationDraft(comments: nil, rating: 5, closed: true),
                                                     expectedVersion: reopened.version, by: supervisor)
            }
            let again = try await f.stores.workOrders.registerService(order.id, detail: "Cambié la bandeja", at: visitAt.addingTimeInterval(86_400),
                                                                      finishes: true, expectedVersion: reopened.version, by: tech)
            let verified = try await f.stores.workOrders.verify(order.id, VerificationDraft(comments: "Conforme", rating: 5, closed: true),
                                                                expectedVersion: again.version, by: supervisor)
            #expect(verified.status == .verified && verified.verification?.rating == 5 && verified.verification?.byID == supervisor.id)
            #expect(try await f.stores.clients.client(client.id, scope: .all)?.lastVisitAt == visitAt.addingTimeInterval(86_400))
            // A verified order takes no more services or edits.
            await #expect(throws: ValidationFailure([FieldError("status", "order_closed")])) {
                try await f.stores.workOrders.registerService(order.id, detail: "Tarde", at: visitAt, finishes: false,
                                                              expectedVersion: verified.version, by: tech)
            }
            await #expect(throws: ValidationFailure([FieldError("status", "order_closed")])) {
                try await f.stores.workOrders.update(order.id, verified.draft, expectedVersion: verified.version, by: f.admin)
            }
            let actions = try await f.stores.clients.history(client.id, by: tech).filter { $0.entity == "work_order" }.map(\.action)
            #expect(actions == ["verify", "finish", "reopen", "finish", "service", "create"])
            // The category is in use by the order now.
            await #expect(throws: ValidationFailure([FieldError("name", "in_use")])) {
                try await f.stores.organisation.deleteActivityCategory(repair, by: nil)
            }
            #expect(try await f.stores.clients.history(client.id, by: f.admin).filter { $0.entity == "work_order" }.count == 6)
        }
    }

    @Test("pending orders come by appointment, those without one last, page after page, each with its names")
    func pendingPages() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let tech = try await f.user("tecnico@demo.test", name: "Técnica Uno", roles: ["technician"])
            let repair = try await f.stores.organisation.createActivityCategory(name: "Reparación", by: nil)
            let client = try await f.client("Hotel Andino")
            let rosa = try await f.stores.contacts.create(clientID: client.id, name: "Rosa", role: nil, email: nil, phone: nil, by: f.admin)
            // Appointments in hours from now, by order number 1…6; nil: none yet.
            let hours: [Double?] = [5, nil, 1, 3, nil, 2]
            for (index, hour) in hours.enumerated() {
                let named = index.isMultiple(of: 2)
                _ = try await f.stores.workOrders.create(clientID: client.id, WorkOrderDraft(
                    contactID: named ? rosa.id : nil, categoryID: named ? repair : nil, assigneeID: named ? tech.id : nil,
                    appointmentAt: hour.map { f.clock.now().addingTimeInterval($0 * 3600) },
                    appointmentZone: hour == nil ? nil : "America/Lima", description: "Orden \(index + 1)"), by: f.admin)
            }
            var listed: [WorkOrderListing] = []
            for offset in stride(from: 0, to: 8, by: 2) {
                listed += try await f.stores.workOrders.list(WorkOrderQuery(statuses: [.open, .inProgress], limit: 2, offset: offset), by: f.admin)
            }
            #expect(listed.map(\.order.orderNumber) == [3, 6, 4, 1, 2, 5])
            for listing in listed {
                let named = (listing.order.orderNumber - 1).isMultiple(of: 2)
                #expect(listing.clientName == "Hotel Andino")
                #expect(listing.contactName == (named ? "Rosa" : nil) && listing.categoryName == (named ? "Reparación" : nil))
                #expect(listing.assigneeName == (named ? "Técnica Uno" : nil))
            }
            // The same list under a technician's scope: only the orders assigned to them; another sees none.
            let pending = WorkOrderQuery(statuses: [.open, .inProgress])
            #expect(try await f.stores.workOrders.list(pending, by: tech).map(\.order.orderNumber) == [3, 1, 5])
            let other = try await f.user("otro@demo.test", roles: ["technician"])
            #expect(try await f.stores.workOrders.list(pending, by: other).isEmpty)
        }
    }

    @Test("queries by status, assignee, client, dates, and concept words found in descriptions and services without accents")
    func queries() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let tech = try await f.user("tecnico@demo.test", roles: ["technician"])
            let a = try await f.client("Hotel Andino")
            let b = try await f.client("Bodega Río")
            _ = try await f.stores.workOrders.create(clientID: a.id, WorkOrderDraft(
                assigneeID: tech.id, description: "Mantenimiento de calefacción central"), by: f.admin)
            let second = try await f.stores.workOrders.create(clientID: b.id, WorkOrderDraft(
                priority: .high, description: "Instalar split en depósito"), by: f.admin)
            _ = try await f.stores.workOrders.registerService(second.id, detail: "Perforé la pared del galpón", at: f.clock.now(),
                                                              finishes: true, expectedVersion: second.version, by: f.admin)
            func numbers(_ q: WorkOrderQuery, _ viewer: Viewer? = nil) async throws -> [Int64] {
                try await f.stores.workOrders.list(q, by: viewer ?? f.admin).map(\.order.orderNumber)
            }
            #expect(try await numbers(WorkOrderQuery()) == [2, 1])
            #expect(try await numbers(WorkOrderQuery(statuses: [.open, .inProgress])) == [1])
            #expect(try await numbers(WorkOrderQuery(statuses: [.finished])) == [2])
            #expect(try await numbers(WorkOrderQuery(assignee: .user(tech.id))) == [1])
            #expect(try await numbers(WorkOrderQuery(clientID: b.id)) == [2])
            #expect(try await numbers(WorkOrderQuery(orderNumber: 1)) == [1])
            #expect(try await numbers(WorkOrderQuery(concept: "CALEFACCION")) == [1])
            #expect(try await numbers(WorkOrderQuery(concept: "galpon perfor")) == [2])
            #expect(try await numbers(WorkOrderQuery(concept: "galpon calef")).isEmpty)
            #expect(try await numbers(WorkOrderQuery(finishedFrom: f.clock.now().addingTimeInterval(-60))) == [2])
            #expect(try await numbers(WorkOrderQuery(createdTo: f.clock.now().addingTimeInterval(-60))).isEmpty)
            // A level-2 user sees the orders created by someone of their branch (rule 2 joins the owner's branch now).
            let branch = try await f.stores.organisation.createBranch(name: "Córdoba", by: nil)
            let clerk = try await f.user("mesa@demo.test", branch: branch)
            let chief = try await f.user("jefe@demo.test", level: .branch, branch: branch)
            _ = try await f.stores.workOrders.create(clientID: b.id, WorkOrderDraft(description: "Pedido por la mesa de ayuda"), by: clerk)
            #expect(try await numbers(WorkOrderQuery(), chief) == [3])
            #expect(try await numbers(WorkOrderQuery(concept: "mesa"), chief) == [3])
            // The technician (level 4) sees only the order assigned to them.
            #expect(try await numbers(WorkOrderQuery(), tech) == [1])
            #expect(try await numbers(WorkOrderQuery(concept: "galpon"), tech).isEmpty)
            let listing = try #require(try await f.stores.workOrders.list(WorkOrderQuery(orderNumber: 1), by: f.admin).first)
            #expect(listing.assigneeName == "tecnico" && listing.clientName == "Hotel Andino")
            // Bad references name their field.
            await #expect(throws: ValidationFailure([FieldError("contactId", "unknown_reference")])) {
                try await f.stores.workOrders.create(clientID: a.id, WorkOrderDraft(contactID: .init(999), description: "x"), by: f.admin)
            }
            await #expect(throws: ValidationFailure([FieldError("description", "required")])) {
                try await f.stores.workOrders.create(clientID: a.id, WorkOrderDraft(description: "  "), by: f.admin)
            }
        }
    }
}

@Suite("Orders report")
struct WorkOrderReportTests {
    @Test("counts by status, assignee and category with average hours to finish and rating, within the scope")
    func report() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let ana = try await f.user("ana@demo.test", name: "Ana", roles: ["technician"])
            let client = try await f.client("Hotel Andino")
            let repair = try await f.stores.organisation.createActivityCategory(name: "Reparación", by: nil)
            func order(_ assignee: User.ID?, _ category: ActivityCategory.ID?) async throws -> WorkOrder {
                try await f.stores.workOrders.create(clientID: client.id, WorkOrderDraft(categoryID: category, assigneeID: assignee,
                                                                                         description: "Revisión"), by: f.admin)
            }
            let first = try await order(ana.id, repair)
            let second = try await order(ana.id, repair)
            _ = try await order(nil, nil)
            // Finished 3 and 5 hours after creation; rated 4 and 5.
            for (made, hours, rating) in [(first, 3.0, 4), (second, 5.0, 5)] {
                let done = try await f.stores.workOrders.registerService(made.id, detail: "Listo", at: f.clock.now().addingTimeInterval(hours * 3600),
                                                                         finishes: true, expectedVersion: made.version, by: ana)
                _ = try await f.stores.workOrders.verify(made.id, VerificationDraft(comments: nil, rating: rating, closed: true),
                                                         expectedVersion: done.version, by: f.admin)
            }
            let report = try await f.stores.workOrders.report(WorkOrderQuery(), by: f.admin)
            #expect(report.total.count == 3 && report.total.finished == 2)
            #expect(report.total.averageHoursToFinish == 4 && report.total.averageRating == 4.5)
            #expect(report.byStatus.map { "\($0.label ?? "-") \($0.count)" } == ["verified 2", "open 1"])
            #expect(report.byAssignee.map { "\($0.label ?? "-") \($0.count)" } == ["Ana 2", "- 1"])
            #expect(report.byCategory.first?.label == "Reparación" && report.byCategory.first?.averageRating == 4.5)
            // The technician sees only their own orders in it.
            let theirs = try await f.stores.workOrders.report(WorkOrderQuery(), by: ana)
            #expect(theirs.total.count == 2)
        }
    }
}
