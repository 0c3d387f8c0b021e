import CarteraCore
import CarteraStore
import CarteraTestSupport
import Testing

@Suite("Changing the preferred agent in bulk")
struct AgentReassignmentTests {
    @Test("a departed agent's clients go to another in one step, audited per client, only within the scope")
    func reassign() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let south = try await f.stores.catalogues.createClientGroup(name: "Sur", userIDs: [], by: nil)
            let leaving = try await f.user("se.va@demo.test")
            let arriving = try await f.user("llega@demo.test")
            let supervisor = try await f.user("sup@demo.test", roles: ["supervisor"], level: .branch, groups: [north])
            let seller = try await f.user("vende@demo.test")
            var northIDs: [Client.ID] = []
            for n in 0..<3 { northIDs.append(try await f.client("Norte \(n)", group: north, agent: leaving.id).id) }
            let southClient = try await f.client("Sur", group: south, agent: leaving.id)
            _ = try await f.client("Cobranza", group: north, collector: leaving.id)

            await #expect(throws: StoreError.forbidden) {
                try await f.stores.clients.reassign(.salesAgent, from: leaving.id, to: arriving.id, by: seller)
            }
            let loads = try await f.stores.clients.agentLoads(.salesAgent, by: supervisor)
            #expect(loads.map { "\($0.name) \($0.clients)" } == ["se.va 3"])
            await #expect(throws: ValidationFailure([FieldError("toUserId", "same_user")])) {
                try await f.stores.clients.reassign(.salesAgent, from: leaving.id, to: leaving.id, by: supervisor)
            }

            #expect(try await f.stores.clients.reassign(.salesAgent, from: leaving.id, to: arriving.id, by: supervisor) == 3)
            for id in northIDs {
                let client = try #require(try await f.stores.clients.client(id, scope: .all))
                #expect(client.draft.salesAgentID == arriving.id && client.version == 2)
                let event = try #require(try await f.stores.clients.history(id, by: f.admin).first)
                #expect(event.action == "reassign" && event.userID == supervisor.id)
                #expect(event.changes == [AuditChange(field: "salesAgentId", before: leaving.id.description, after: arriving.id.description)])
            }
            // Outside the supervisor's groups nothing moved; collectors are a separate list.
            #expect(try await f.stores.clients.client(southClient.id, scope: .all)?.draft.salesAgentID == leaving.id)
            #expect(try await f.stores.clients.agentLoads(.collector, by: f.admin).map(\.clients) == [1])
            #expect(try await f.stores.clients.reassign(.collector, from: leaving.id, to: nil, by: f.admin) == 1)
            #expect(try await f.stores.clients.agentLoads(.collector, by: f.admin).isEmpty)
        }
    }
}
