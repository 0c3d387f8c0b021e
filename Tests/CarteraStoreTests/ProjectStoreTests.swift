import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Client projects")
struct ProjectStoreTests {
    @Test("projects get consecutive keys, count their activities, stay within the client scope and check their dates")
    func projects() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let seller = try await f.user("vende@demo.test", groups: [north])
            let client = try await f.client("Cliente", group: north)
            let other = try await f.client("Otro")
            let start = CalendarDate("2026-12-01")!
            let first = try await f.stores.projects.create(clientID: client.id, ProjectDraft(name: "Instalación sede", startsOn: start,
                                                                                             targetOn: CalendarDate("2027-01-31"), managerID: seller.id), by: f.admin)
            let second = try await f.stores.projects.create(clientID: other.id, ProjectDraft(name: "Auditoría"), by: f.admin)
            #expect(second.projectKey == first.projectKey + 1)
            await #expect(throws: ValidationFailure([FieldError("targetOn", "before_start")])) {
                try await f.stores.projects.create(clientID: client.id, ProjectDraft(name: "Mal", startsOn: start,
                                                                                     targetOn: CalendarDate("2026-11-30")), by: f.admin)
            }
            _ = try await f.stores.activities.create(clientID: client.id, ActivityDraft(projectID: first.id, userID: seller.id,
                                                                                        detail: "Relevamiento", at: f.clock.now()), by: seller)
            await #expect(throws: ValidationFailure([FieldError("projectId", "unknown_reference")])) {
                try await f.stores.activities.create(clientID: client.id, ActivityDraft(projectID: second.id, userID: seller.id,
                                                                                        detail: "Mal proyecto", at: f.clock.now()), by: seller)
            }
            let listed = try await f.stores.projects.list(clientID: nil, by: seller)
            #expect(listed.map(\.project.draft.name) == ["Instalación sede"])
            #expect(listed.first?.pendingActivities == 1 && listed.first?.doneActivities == 0 && listed.first?.managerName == "vende")
            #expect(try await f.stores.projects.project(second.id, by: seller) == nil)
            var draft = first.draft
            draft.closed = true
            let closed = try await f.stores.projects.update(first.id, draft, expectedVersion: 1, by: seller)
            #expect(closed.draft.closed && closed.version == 2)
        }
    }
}
