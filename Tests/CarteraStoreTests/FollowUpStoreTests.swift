import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

/// DESIGN.md rule 2 on follow-ups, and the panel's tabs.
@Suite("Follow-ups")
struct FollowUpStoreTests {
    struct World {
        let f: Fixture
        let client: Client
        let boss: Viewer, ana: Viewer, beto: Viewer, carla: Viewer
        let anaOwn: FollowUp, betoOwn: FollowUp, betoForAna: FollowUp
    }

    /// Ana (level 4, branch 1, dept 1) reports to the boss (level 3, dept 1); Beto
    /// (level 4) is in branch 2, dept 2; Carla sees branch 1.
    func world(_ db: Database) async throws -> World {
        let f = try await Fixture.make(db)
        let b1 = try await f.stores.organisation.createBranch(name: "Centro", by: nil)
        let b2 = try await f.stores.organisation.createBranch(name: "Norte", by: nil)
        let d1 = try await f.stores.organisation.createDepartment(name: "Ventas", by: nil)
        let d2 = try await f.stores.organisation.createDepartment(name: "Servicio", by: nil)
        let boss = try await f.user("jefa@demo.test", roles: ["supervisor"], level: .department, branch: b1, department: d1)
        let ana = try await f.user("ana@demo.test", branch: b1, department: d1, manager: boss.id)
        let beto = try await f.user("beto@demo.test", branch: b2, department: d2)
        let carla = try await f.user("carla@demo.test", level: .branch, branch: b1, department: d2)
        let client = try await f.client("Ferretería López")
        let due = f.clock.now().addingTimeInterval(86_400)
        let anaOwn = try await f.stores.followUps.create(clientID: client.id, FollowUpDraft(responsibleID: ana.id, title: "Llamar", dueAt: due), by: ana)
        let betoOwn = try await f.stores.followUps.create(clientID: client.id, FollowUpDraft(responsibleID: beto.id, title: "Visitar", dueAt: due), by: beto)
        let betoForAna = try await f.stores.followUps.create(clientID: client.id, FollowUpDraft(responsibleID: ana.id, title: "Cotizar", dueAt: due), by: beto)
        return World(f: f, client: client, boss: try await f.reload(boss), ana: ana, beto: beto, carla: carla,
                     anaOwn: anaOwn, betoOwn: betoOwn, betoForAna: betoForAna)
    }

    func titles(_ w: World, _ viewer: Viewer, _ query: FollowUpQuery = FollowUpQuery()) async throws -> Set<String> {
        Set(try await w.f.stores.followUps.list(query, by: viewer, timeZone: .gmt).map(\.followUp.draft.title))
    }

    @Test("each access level sees its own, assigned, team, department or branch follow-ups, and 404 on the rest")
    func visibility() async throws {
        try await TestDatabase.with { db in
            let w = try await world(db)
            #expect(try await titles(w, w.f.admin) == ["Llamar", "Visitar", "Cotizar"])
            #expect(try await titles(w, w.ana) == ["Llamar", "Cotizar"])
            #expect(try await titles(w, w.beto) == ["Visitar", "Cotizar"])
            #expect(try await titles(w, w.boss) == ["Llamar"])
            #expect(try await titles(w, w.carla) == ["Llamar"])
            #expect(try await w.f.stores.followUps.followUp(w.betoOwn.id, by: w.ana) == nil)
            await #expect(throws: StoreError.notFound) {
                try await w.f.stores.followUps.setStatus(w.betoOwn.id, .done, by: w.ana)
            }
            await #expect(throws: StoreError.notFound) {
                try await w.f.stores.followUps.update(w.anaOwn.id, w.anaOwn.draft, expectedVersion: 1, by: w.beto)
            }
            // The client's history shows only the follow-ups the reader may see.
            let seen = try await w.f.stores.clients.history(w.client.id, by: w.ana).filter { $0.entity == "follow_up" }
            #expect(Set(seen.map(\.entityID)) == [w.anaOwn.id.rawValue, w.betoForAna.id.rawValue])
        }
    }

    @Test("moving a user to another branch moves their past follow-ups with them")
    func moveUser() async throws {
        try await TestDatabase.with { db in
            let w = try await world(db)
            let north = try await w.f.stores.organisation.createBranch(name: "Sur", by: nil)
            let ana = try #require(try await w.f.stores.users.user(w.ana.id))
            try await w.f.stores.users.update(ana.id, UserDraft(email: ana.email, name: ana.name, roleIDs: ana.roleIDs,
                                                                accessLevel: ana.accessLevel, branchID: north,
                                                                departmentID: ana.departmentID, managerID: ana.managerID),
                                              expectedVersion: ana.version, by: nil)
            #expect(try await titles(w, w.carla).isEmpty)
            #expect(try await titles(w, w.boss) == ["Llamar"])  // still her manager
        }
    }

    @Test("a follow-up assigned to a user with client groups makes its client visible to them")
    func assignedClientVisible() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let south = try await f.stores.catalogues.createClientGroup(name: "Sur", userIDs: [], by: nil)
            let technician = try await f.user("tecnico@demo.test", roles: ["technician"], groups: [north])
            let far = try await f.client("Cliente Sur", group: south)
            #expect(try await f.stores.clients.client(far.id, scope: .of(technician)) == nil)
            _ = try await f.stores.followUps.create(
                clientID: far.id, FollowUpDraft(responsibleID: technician.id, title: "Revisar equipo", dueAt: f.clock.now()), by: f.admin)
            #expect(try await f.stores.clients.client(far.id, scope: .of(technician)) != nil)
            #expect(try await f.stores.followUps.list(FollowUpQuery(), by: technician, timeZone: .gmt).map(\.clientName) == ["Cliente Sur"])
        }
    }

    @Test("tabs split pending follow-ups by due date in the user's zone; done ones leave them; counts match the lists")
    func tabs() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let zone = TimeZone(identifier: "America/Argentina/Buenos_Aires")!
            func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
            // Wednesday 25 November 2026, 12:00 in Buenos Aires.
            let store = FollowUpStore(database: db, clock: .fixed(at("2026-11-25T15:00:00Z")))
            let client = try await f.client("Cliente")
            var ids: [String: FollowUp.ID] = [:]
            for (title, due) in [("lunes pasado", "2026-11-23T13:00:00Z"), ("hoy a la tarde", "2026-11-25T21:00:00Z"),
                                 ("hoy tarde noche", "2026-11-26T02:59:00Z"), ("sábado", "2026-11-28T13:00:00Z"),
                                 ("lunes próximo", "2026-11-30T03:00:00Z"), ("en dos semanas", "2026-12-08T13:00:00Z"),
                                 ("hecho hoy", "2026-11-25T16:00:00Z")] {
                ids[title] = try await store.create(clientID: client.id, FollowUpDraft(responsibleID: f.admin.id, title: title,
                                                                                        dueAt: at(due)), by: f.admin).id
            }
            let done = try await store.setStatus(ids["hecho hoy"]!, .done, by: f.admin)
            #expect(done.status == .done && done.doneByID == f.admin.id && done.doneAt == at("2026-11-25T15:00:00Z"))
            func tab(_ tab: FollowUpTab) async throws -> [String] {
                try await store.list(FollowUpQuery(tab: tab, responsible: .me), by: f.admin, timeZone: zone).map(\.followUp.draft.title)
            }
            #expect(try await tab(.overdue) == ["lunes pasado"])
            #expect(try await tab(.today) == ["hoy a la tarde", "hoy tarde noche"])
            #expect(try await tab(.week) == ["hoy a la tarde", "hoy tarde noche", "sábado"])
            #expect(try await tab(.next) == ["lunes próximo"])
            #expect(try await store.counts(responsible: .me, by: f.admin, timeZone: zone) == [.overdue: 1, .today: 2, .week: 3, .next: 1])
            let reopened = try await store.setStatus(ids["hecho hoy"]!, .pending, by: f.admin)
            #expect(reopened.doneAt == nil && reopened.version == 3)
            #expect(try await store.counts(responsible: .me, by: f.admin, timeZone: zone)[.today] == 3)
        }
    }

    @Test("bad input names each field; a stale edit is refused; the responsible and contact must exist")
    func validation() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let client = try await f.client("Cliente")
            let other = try await f.client("Otro")
            let stranger = try await f.stores.contacts.create(clientID: other.id, name: "Ajeno", role: nil, email: nil, phone: nil, by: f.admin)
            await #expect(throws: ValidationFailure([FieldError("responsibleId", "unknown_reference"),
                                                     FieldError("contactId", "unknown_reference")])) {
                try await f.stores.followUps.create(clientID: client.id, FollowUpDraft(
                    contactID: stranger.id, responsibleID: .init(9999), title: "X", dueAt: f.clock.now()), by: f.admin)
            }
            let created = try await f.stores.followUps.create(
                clientID: client.id, FollowUpDraft(responsibleID: f.admin.id, title: "Llamar", dueAt: f.clock.now(), remindMinutesBefore: 30),
                by: f.admin)
            #expect(created.draft.remindAt == f.clock.now().addingTimeInterval(-1800))
            var draft = created.draft
            draft.title = "Llamar de nuevo"
            _ = try await f.stores.followUps.update(created.id, draft, expectedVersion: 1, by: f.admin)
            await #expect(throws: StoreError.versionConflict(current: 2)) {
                try await f.stores.followUps.update(created.id, draft, expectedVersion: 1, by: f.admin)
            }
        }
    }
}
