import CarteraCore
import Foundation

extension DemoGenerator {
    /// Two sales projects with stages, subgroups, products and a team, and a
    /// few weeks of leads from every channel — some past their contact
    /// deadline, some quoted, reserved or signed, some without a national id
    /// or any way to reach them — so every part of the funnel has something.
    func addSales(admin: User.ID, sellers: [User.ID], random: inout SeededRandom) async throws {
        guard let viewer = try await stores.users.viewer(admin) else { return }
        let catalogue = stores.salesCatalogue
        _ = try await catalogue.saveSettings(SalesSettings(contactDeadlineHours: 48, videoURLTemplate: "https://meet.jit.si/{room}"),
                                             expectedVersion: 1, by: viewer)
        for question in ["¿Cuántos dormitorios busca?", "¿Para vivir o para invertir?", "¿Con qué crédito piensa pagar?"] {
            try await catalogue.createNamed(.surveyQuestions, name: question, by: viewer)
        }
        var plans: [(SalesProject.ID, [SalesStage.ID], [SalesSubgroup.ID], [SalesProduct.ID])] = []
        for (index, (name, stageNames, units)) in [("Torre Mirador", ["Etapa 1", "Etapa 2"], ["Depto 1D", "Depto 2D", "Depto 3D"]),
                                                   ("Condominio Los Álamos", ["Lanzamiento"], ["Casa 90 m²", "Casa 120 m²"])].enumerated() {
            let project = try await catalogue.createProject(name: name, by: viewer)
            var stages: [SalesStage.ID] = [], subgroups: [SalesSubgroup.ID] = [], products: [SalesProduct.ID] = []
            for stageName in stageNames {
                let stage = SalesStage.ID(try await catalogue.createLevel(.stage(project), name: stageName, by: viewer))
                stages.append(stage)
                for tower in ["Torre A", "Torre B"] {
                    subgroups.append(SalesSubgroup.ID(try await catalogue.createLevel(.subgroup(stage), name: tower, by: viewer)))
                }
            }
            for (n, unit) in units.enumerated() {
                products.append(try await catalogue.saveProduct(nil, project: project, subgroupID: subgroups[n % subgroups.count], name: unit,
                                                                model: "Tipo \(["A", "B", "C"][n % 3])", active: true, expectedVersion: nil, by: viewer))
            }
            try await catalogue.setMember(project, user: admin, role: .manager, by: viewer)
            for seller in sellers.dropFirst(index * 2).prefix(3) { try await catalogue.setMember(project, user: seller, role: .seller, by: viewer) }
            plans.append((project, stages, subgroups, products))
        }
        let channels = try await catalogue.channels().map(\.id)
        let now = clock.now()
        let kinds: [InteractionKind] = [.lead, .lead, .lead, .quote, .quote, .reservation, .contract, .disbursement]
        for n in 0..<48 {
            let (project, stages, subgroups, products) = plans[n % plans.count]
            let name = "\(DemoData.givenNames[(n * 7) % DemoData.givenNames.count]) \(DemoData.surnames[(n * 5 + 3) % DemoData.surnames.count])"
            // Every fifth has no national id; every ninth left neither phone nor e-mail.
            let person = LeadPerson(name: name, nationalID: n % 5 == 4 ? nil : String(40_000_000 + n * 7919), nationalIDKind: n % 5 == 4 ? nil : .dni,
                                    email: n % 9 == 8 ? nil : "\(Normalization.searchKey(name).replacingOccurrences(of: " ", with: "."))\(n)@correo.demo",
                                    phone: n % 9 == 8 || n % 3 == 0 ? nil : "+51 9\(String(10_000_000 + n * 104_729 % 89_999_999))")
            let hoursAgo = Double(Int.random(in: 1...(24 * 20), using: &random))
            // Each stage has two subgroups, in order.
            let subgroup = n % subgroups.count
            var draft = InteractionDraft(person: person, projectID: project, stageID: stages[subgroup / 2],
                                         subgroupID: subgroups[subgroup], productID: products[n % products.count],
                                         entryType: EntryType.allCases[n % EntryType.allCases.count], channelID: channels[n % channels.count],
                                         contactType: .phone, expectation: Expectation.allCases[n % 3], kind: .lead,
                                         occurredAt: now.addingTimeInterval(-hoursAgo * 3600))
            // A later milestone arrives after the lead that opened the file.
            _ = try await stores.leads.register(draft, by: viewer)
            let kind = kinds[n % kinds.count]
            if kind != .lead {
                draft.kind = kind
                draft.occurredAt = now.addingTimeInterval(-hoursAgo * 1800)
                _ = try await stores.leads.register(draft, by: viewer)
            }
        }
    }
}
