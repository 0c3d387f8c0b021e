import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

/// Seed 002's notes: who writes, who reads at each level, who deletes.
@Suite("Notes under access levels")
struct NoteStoreTests {
    @Test("a level-3 user sees exactly their department's notes and cannot delete; moving the author moves the notes")
    func levels() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let centre = try await f.stores.organisation.createBranch(name: "Centro", by: nil)
            let north = try await f.stores.organisation.createBranch(name: "Norte", by: nil)
            let sales = try await f.stores.organisation.createDepartment(name: "Ventas", by: nil)
            let service = try await f.stores.organisation.createDepartment(name: "Servicio", by: nil)
            let head = try await f.user("jefe@demo.test", level: .company, branch: centre, department: sales)
            let salesLead = try await f.user("ventas@demo.test", level: .department, branch: centre, department: sales)
            let branchLead = try await f.user("sucursal@demo.test", level: .branch, branch: north, department: service)
            let ana = try await f.user("ana@demo.test", branch: centre, department: sales)
            let tito = try await f.user("tito@demo.test", branch: north, department: service)
            let nobody = try await f.user("sin.depto@demo.test")
            let client = try await f.client("Cliente")
            let anaNote = try await f.stores.notes.create(clientID: client.id, NoteDraft(text: "Pide factura A", location: "Archivo 2"), by: ana)
            _ = try await f.stores.notes.create(clientID: client.id, NoteDraft(text: "Equipo en garantía", treatment: "Cambiar placa"), by: tito)
            await #expect(throws: StoreError.forbidden) {
                try await f.stores.notes.create(clientID: client.id, NoteDraft(text: "x"), by: nobody)
            }
            func bodies(_ viewer: Viewer, _ query: NoteQuery = NoteQuery()) async throws -> Set<String> {
                Set(try await f.stores.notes.list(query, by: viewer).map(\.note.draft.text))
            }
            #expect(try await bodies(head) == ["Pide factura A", "Equipo en garantía"])
            #expect(try await bodies(salesLead) == ["Pide factura A"])
            #expect(try await bodies(branchLead) == ["Equipo en garantía"])
            #expect(try await bodies(ana) == ["Pide factura A"])
            #expect(try await bodies(tito) == ["Equipo en garantía"])
            #expect(try await bodies(head, NoteQuery(departmentID: service)) == ["Equipo en garantía"])

            await #expect(throws: StoreError.forbidden) { try await f.stores.notes.delete(anaNote.id, by: salesLead) }
            await #expect(throws: StoreError.forbidden) {
                try await f.stores.notes.update(anaNote.id, NoteDraft(text: "otra"), expectedVersion: 1, by: salesLead)
            }
            await #expect(throws: StoreError.notFound) { try await f.stores.notes.delete(anaNote.id, by: tito) }

            // Ana moves to the service department: her past note goes with her.
            let user = try #require(try await f.stores.users.user(ana.id))
            try await f.stores.users.update(ana.id, UserDraft(email: user.email, name: user.name, roleIDs: user.roleIDs,
                                                              accessLevel: user.accessLevel, branchID: north, departmentID: service),
                                            expectedVersion: user.version, by: nil)
            #expect(try await bodies(salesLead).isEmpty)
            #expect(try await bodies(branchLead) == ["Pide factura A", "Equipo en garantía"])

            try await f.stores.notes.delete(anaNote.id, by: head)
            #expect(try await bodies(head) == ["Equipo en garantía"])
            #expect(try await f.stores.clients.history(client.id, by: head).contains { $0.entity == "note" && $0.action == "delete" })
            #expect(!(try await f.stores.clients.history(client.id, by: salesLead).contains { $0.entity == "note" }))
        }
    }

    @Test("the report keeps the last three notes of each client and groups by the author's department")
    func report() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let sales = try await f.stores.organisation.createDepartment(name: "Ventas", by: nil)
            let admin = try await f.user("jefa@demo.test", level: .company, department: sales)
            let one = try await f.client("Alfa")
            let two = try await f.client("Beta")
            for n in 1...5 {
                let store = NoteStore(database: db, clock: .fixed(f.clock.now().addingTimeInterval(Double(n) * 60)))
                _ = try await store.create(clientID: one.id, NoteDraft(text: "Alfa \(n)"), by: admin)
            }
            _ = try await f.stores.notes.create(clientID: two.id, NoteDraft(text: "Beta 1"), by: admin)
            let last = try await f.stores.notes.list(NoteQuery(lastThreePerClient: true, groupByDepartment: true), by: admin)
            #expect(last.map(\.note.draft.text) == ["Alfa 5", "Alfa 4", "Alfa 3", "Beta 1"])
            #expect(last.first?.departmentName == "Ventas")
            #expect(try await f.stores.notes.list(NoteQuery(clientID: one.id), by: admin).count == 5)
        }
    }
}
