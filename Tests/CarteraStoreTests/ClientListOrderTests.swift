import CarteraCore
import CarteraStore
import CarteraTestSupport
import Testing

@Suite("A broad client list reads its page in order; a narrow one is sorted")
struct ClientListOrderTests {
    @Test("every sort gives the same pages whether the list counts as broad or narrow")
    func broadAndNarrowAgree() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let group = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            for (name, city) in [("Delta", "Rosario"), ("Alfa", "Córdoba"), ("Eco", nil), ("Bravo", "Rosario"), ("Charlie", "Salta"),
                                 ("Foxtrot", "córdoba")] {
                try await f.client(name, group: group, city: city)
            }
            try await f.client("Fuera")
            for sort in [nil] + ClientSort.allCases.map(Optional.some) {
                for descending in [false, true] {
                    var names: [[String]] = []
                    for sortedUpTo in [2, 100] {
                        var query = ClientQuery(filters: [.clientGroup(group)], sort: sort, descending: descending, limit: 4,
                                                counting: .upTo(2))
                        query.sortedUpTo = sortedUpTo
                        let first = try await f.stores.clients.list(query, scope: .all)
                        query.page = .offset(4)
                        let second = try await f.stores.clients.list(query, scope: .all)
                        #expect(first.count == .moreThan(2) && first.hasMore && !second.hasMore)
                        names.append((first.clients + second.clients).map(\.draft.legalName))
                    }
                    #expect(names[0] == names[1], "\(String(describing: sort)) \(descending)")
                    #expect(names[0].count == 6 && !names[0].contains("Fuera"))
                }
            }
            let byCity = try await f.stores.clients.list(ClientQuery(filters: [.clientGroup(group)], sort: .city, limit: 10), scope: .all)
            #expect(byCity.clients.map(\.draft.legalName) == ["Eco", "Alfa", "Foxtrot", "Bravo", "Delta", "Charlie"])
        }
    }
}
