import CarteraCore
import CarteraStore
import CarteraTestSupport
import Testing

@Suite("A client list reads the parts it is asked for")
struct ClientPartsTests {
    /// `client` as a page asked for `parts` should hold it: the core and those parts, the rest empty.
    func expected(_ client: Client, _ parts: Set<ClientPart>) -> Client {
        var out = client
        let full = client.draft
        out.draft = ClientDraft(legalName: full.legalName, clientTypeID: full.clientTypeID, clientGroupID: full.clientGroupID,
                                branchID: full.branchID, salesAgentID: full.salesAgentID, collectorID: full.collectorID)
        if parts.contains(.tradeName) { out.draft.tradeName = full.tradeName }
        if parts.contains(.taxID) { (out.draft.taxID, out.draft.taxIDKind) = (full.taxID, full.taxIDKind) }
        if parts.contains(.address) { out.draft.address = full.address }
        if parts.contains(.coordinates) { (out.draft.latitude, out.draft.longitude) = (full.latitude, full.longitude) }
        if parts.contains(.emails) { out.draft.emails = full.emails }
        if parts.contains(.phones) { out.draft.phones = full.phones }
        if parts.contains(.description) { out.draft.description = full.description }
        if parts.contains(.customFields) { out.draft.customFields = full.customFields }
        return out
    }

    @Test("each part alone, none and all, on a plain list, a ranked search and a newest-first search")
    func eachPart() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let field = try await f.stores.catalogues.createCustomField(labelES: "Rubro", labelEN: "Trade", type: .text, required: false,
                                                                       showInList: true, choices: [], by: nil)
            let key = try #require(try await f.stores.catalogues.customFields().first { $0.id == field }).key
            let type = try await f.stores.catalogues.createClientType(name: "Mayorista", color: "#336699", icon: nil, by: nil)
            let group = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let branch = try await f.stores.organisation.createBranch(name: "Centro", by: nil)
            let seller = try await f.user("vende@demo.test")
            let made = try await f.stores.clients.create(ClientDraft(
                legalName: "Zapatería Peña S.A.", tradeName: "Zapas", taxID: "20-12345678-3", taxIDKind: .cuit,
                clientTypeID: type, clientGroupID: group, branchID: branch, salesAgentID: seller.id, collectorID: f.admin.id,
                address: Address(street: "Av. Colón", number: "1200", city: "Córdoba", state: "Córdoba", postalCode: "5000",
                                 country: "AR"),
                latitude: -31.41, longitude: -64.19, emails: ["ventas@zapas.test"], phones: ["+54 351 555-1234"],
                description: "Cliente desde 2019", customFields: [key: .text("Calzado")]), by: f.admin)
            let full = try #require(try await f.stores.clients.client(made.id, scope: .all))
            var newestFirst = ClientQuery(search: "zapateria", counting: .upTo(0))
            newestFirst.sortedUpTo = 0
            let queries = [ClientQuery(), ClientQuery(search: "zapateria"), newestFirst]
            let partSets = [Set<ClientPart>()] + ClientPart.allCases.map { [$0] } + [Set(ClientPart.allCases)]
            for var query in queries {
                for parts in partSets {
                    query.parts = parts
                    let page = try await f.stores.clients.list(query, scope: .all)
                    #expect(page.clients == [expected(full, parts)], "\(query.search ?? "list") \(parts)")
                }
            }
            #expect(try await f.stores.clients.list(newestFirst, scope: .all).newestFirst)
            // Asked for nothing in particular, a list reads every part.
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).clients == [full])
        }
    }
}
