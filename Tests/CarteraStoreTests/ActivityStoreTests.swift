import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Activities and their categories")
struct ActivityStoreTests {
    @Test("each user sees their own activities, their team's, and their department's at level 3; filters narrow the list")
    func visibilityAndFilters() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let sales = try await f.stores.organisation.createDepartment(name: "Ventas", by: nil)
            let service = try await f.stores.organisation.createDepartment(name: "Servicio", by: nil)
            let lead = try await f.user("lider@demo.test", level: .department, department: sales)
            let ana = try await f.user("ana@demo.test", department: sales)
            let tito = try await f.user("tito@demo.test", department: service)
            let client = try await f.client("Cliente")
            let visit = try await f.stores.organisation.createActivityCategory(name: "Visita", by: nil)
            let day = f.clock.now()
            let anaVisit = try await f.stores.activities.create(clientID: client.id, ActivityDraft(
                categoryID: visit, userID: ana.id, detail: "Relevar equipos", at: day), by: ana)
            _ = try await f.stores.activities.create(clientID: client.id, ActivityDraft(
                userID: tito.id, detail: "Cambiar filtro", at: day.addingTimeInterval(86_400)), by: tito)
            func details(_ viewer: Viewer, _ query: ActivityQuery) async throws -> [String] {
                try await f.stores.activities.list(query, by: viewer).map(\.activity.draft.detail)
            }
            #expect(try await details(ana, ActivityQuery()) == ["Relevar equipos"])
            #expect(try await details(ana, ActivityQuery(person: .anyone)) == ["Relevar equipos"])
            #expect(try await details(lead, ActivityQuery(person: .anyone)) == ["Relevar equipos"])
            #expect(try await details(f.admin, ActivityQuery(person: .anyone)) == ["Cambiar filtro", "Relevar equipos"])
            #expect(try await details(f.admin, ActivityQuery(person: .anyone, from: day.addingTimeInterval(3600))) == ["Cambiar filtro"])
            #expect(try await f.stores.activities.activity(anaVisit.id, by: tito) == nil)

            let done = try await f.stores.activities.setStatus(anaVisit.id, .done, by: lead)
            #expect(done.status == .done && done.doneByID == lead.id)
            #expect(try await details(ana, ActivityQuery(status: .pending)).isEmpty)
            #expect(try await f.stores.activities.list(ActivityQuery(), by: ana).first?.categoryName == "Visita")
            // The client's history hides the activity from whoever may not see it.
            #expect(try await f.stores.clients.history(client.id, by: tito).allSatisfy { $0.entityID != anaVisit.id.rawValue || $0.entity != "activity" })
            #expect(try await f.stores.clients.history(client.id, by: ana).contains { $0.entity == "activity" && $0.action == "done" })
        }
    }

    @Test("a category in use cannot be deleted; an unused one can; deleting a contact leaves its activities")
    func categoriesAndContacts() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let client = try await f.client("Cliente")
            let call = try await f.stores.organisation.createActivityCategory(name: "Llamada", by: nil)
            let unused = try await f.stores.organisation.createActivityCategory(name: "Demostración", by: nil)
            await #expect(throws: ValidationFailure([FieldError("name", "duplicate")])) {
                try await f.stores.organisation.createActivityCategory(name: "LLAMADA", by: nil)
            }
            let contact = try await f.stores.contacts.create(clientID: client.id, name: "Rosa", role: nil, email: nil, phone: nil, by: f.admin)
            let activity = try await f.stores.activities.create(clientID: client.id, ActivityDraft(
                contactID: contact.id, categoryID: call, userID: f.admin.id, detail: "Llamó por precios", at: f.clock.now()), by: f.admin)
            await #expect(throws: ValidationFailure([FieldError("name", "in_use")])) {
                try await f.stores.organisation.deleteActivityCategory(call, by: nil)
            }
            try await f.stores.organisation.deleteActivityCategory(unused, by: nil)
            #expect(try await f.stores.organisation.activityCategories().map(\.name) == ["Llamada"])
            try await f.stores.contacts.delete(contact.id, by: f.admin)
            #expect(try await f.stores.activities.activity(activity.id, by: f.admin)?.draft.contactID == nil)
            await #expect(throws: ValidationFailure([FieldError("detail", "required")])) {
                try await f.stores.activities.create(clientID: client.id, ActivityDraft(userID: f.admin.id, detail: " ", at: f.clock.now()), by: f.admin)
            }
        }
    }
}
