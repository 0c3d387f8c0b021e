import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Leads and the funnel")
struct LeadStoreTests {
    /// A project with two sellers and a manager, as the admin sets it up.
    struct Sales {
        let f: Fixture
        let project: SalesProject.ID
        let stage: SalesStage.ID
        let subgroup: SalesSubgroup.ID
        let ana: Viewer, beto: Viewer, manager: Viewer, outsider: Viewer
        let web: SalesChannel.ID, portal: SalesChannel.ID

        static func make(_ db: Database) async throws -> Sales {
            let f = try await Fixture.make(db)
            let catalogue = f.stores.salesCatalogue
            let project = try await catalogue.createProject(name: "Torre Mirador", by: f.admin)
            let stage = SalesStage.ID(try await catalogue.createLevel(.stage(project), name: "Etapa 1", by: f.admin))
            let subgroup = SalesSubgroup.ID(try await catalogue.createLevel(.subgroup(stage), name: "Torre A", by: f.admin))
            let ana = try await f.user("ana@demo.test", name: "Ana Vendedora")
            let beto = try await f.user("beto@demo.test", name: "Beto Vendedor")
            let manager = try await f.user("jefa@demo.test", name: "Jefa de Proyecto")
            let outsider = try await f.user("otro@demo.test", name: "Otro Vendedor")
            try await catalogue.setMember(project, user: ana.id, role: .seller, by: f.admin)
            try await catalogue.setMember(project, user: beto.id, role: .seller, by: f.admin)
            try await catalogue.setMember(project, user: manager.id, role: .manager, by: f.admin)
            let channels = try await catalogue.channels()
            return Sales(f: f, project: project, stage: stage, subgroup: subgroup, ana: ana, beto: beto, manager: manager, outsider: outsider,
                         web: channels.first { $0.name == "Cotizador web" }!.id, portal: channels.first { $0.name == "Portal Inmobiliario" }!.id)
        }

        func register(_ person: LeadPerson, kind: InteractionKind = .lead, channel: SalesChannel.ID? = nil, at: Date? = nil,
                      entry: EntryType = .web, key: String? = nil) async throws -> LeadIntakeResult {
            let draft = InteractionDraft(person: person, projectID: project, stageID: stage, subgroupID: subgroup, entryType: entry,
                                         channelID: channel ?? web, kind: kind, occurredAt: at)
            let idempotency = key.flatMap { IdempotencyKey(key: $0, body: Data("\(person)\(kind)".utf8)) }
            return try await f.stores.leads.register(draft, by: f.admin, idempotency: idempotency)
        }

        func counts(by viewer: Viewer? = nil, _ query: FunnelQuery = FunnelQuery()) async throws -> [FunnelPhase: FunnelPhaseCounts] {
            Dictionary(uniqueKeysWithValues: try await f.stores.funnel.counts(query, by: viewer ?? f.admin).map { ($0.phase, $0) })
        }
    }

    @Test("people are matched by national id, then e-mail, then phone with a name that sounds the same; differing ids never merge")
    func deduplication() async throws {
        try await TestDatabase.with { db in
            let s = try await Sales.make(db)
            let first = try await s.register(LeadPerson(name: "Juan Pérez", nationalID: "20123456", email: "juan@correo.pe", phone: "+51 987 654 321"))
            #expect(first.matchedBy == nil)
            // Same e-mail, no id: the same client, which gains the new phone.
            let byEmail = try await s.register(LeadPerson(name: "Juancito", email: "JUAN@correo.pe", phone: "01 444 5555"))
            #expect(byEmail.clientID == first.clientID && byEmail.matchedBy == .email)
            let client = try #require(try await s.f.stores.clients.client(first.clientID, scope: .all))
            #expect(client.draft.phones == ["+51 987 654 321", "01 444 5555"])
            // Same phone (other format), a name that sounds the same: the same person.
            let byPhone = try await s.register(LeadPerson(name: "Juan Peres", phone: "987654321"))
            #expect(byPhone.clientID == first.clientID && byPhone.matchedBy == .phone)
            // Same phone, another name (his wife): a new client.
            let wife = try await s.register(LeadPerson(name: "María Gómez", phone: "987 654 321"))
            #expect(wife.clientID != first.clientID && wife.matchedBy == nil)
            // Same e-mail but a different national id: never merged.
            let other = try await s.register(LeadPerson(name: "Juan Pérez Hijo", nationalID: "40999888", email: "juan@correo.pe"))
            #expect(other.clientID != first.clientID)
            // The national id wins over everything else.
            let byID = try await s.register(LeadPerson(name: "J. Pérez", nationalID: "20.123.456", email: "nuevo@correo.pe"))
            #expect(byID.clientID == first.clientID && byID.matchedBy == .nationalId)
            // A person without an id found by e-mail gets the id given later.
            let anon = try await s.register(LeadPerson(name: "Lucía Soto", email: "lucia@correo.pe"))
            let named = try await s.register(LeadPerson(name: "Lucía Soto", nationalID: "30111222", email: "lucia@correo.pe"))
            #expect(named.clientID == anon.clientID)
            #expect(try await s.f.stores.clients.client(anon.clientID, scope: .all)?.draft.taxID == "30111222")
            // Bad input names its fields and writes nothing.
            await #expect(throws: ValidationFailure([FieldError("name", "required"), FieldError("email", "invalid_email"),
                                                     FieldError("phone", "invalid_phone")])) {
                _ = try await s.register(LeadPerson(name: " ", email: "sin-arroba", phone: "12"))
            }
        }
    }

    @Test("leads go to the project's sellers in turn; a returning person keeps theirs; a fixed rule sends all to one")
    func assignment() async throws {
        try await TestDatabase.with { db in
            let s = try await Sales.make(db)
            let a = try await s.register(LeadPerson(name: "Uno", email: "uno@x.pe"))
            let b = try await s.register(LeadPerson(name: "Dos", email: "dos@x.pe"))
            let c = try await s.register(LeadPerson(name: "Tres", email: "tres@x.pe"))
            #expect([a.responsibleID, b.responsibleID, c.responsibleID] == [s.ana.id, s.beto.id, s.ana.id])
            let again = try await s.register(LeadPerson(name: "Dos", email: "dos@x.pe"), kind: .quote)
            #expect(again.responsibleID == s.beto.id && again.leadID == b.leadID)
            let project = try #require(try await s.f.stores.salesCatalogue.project(s.project))
            await #expect(throws: ValidationFailure([FieldError("fixedResponsibleId", "required")])) {
                try await s.f.stores.salesCatalogue.updateProject(s.project, name: project.name, active: true, assignment: .fixed,
                                                                  fixedResponsibleID: nil, expectedVersion: project.version, by: s.f.admin)
            }
            try await s.f.stores.salesCatalogue.updateProject(s.project, name: project.name, active: true, assignment: .fixed,
                                                              fixedResponsibleID: s.manager.id, expectedVersion: project.version, by: s.f.admin)
            #expect(try await s.register(LeadPerson(name: "Cuatro", email: "cuatro@x.pe")).responsibleID == s.manager.id)
            // A seller whose portfolio is one client group sees the client of a lead given to them (rule 1), and no other.
            let north = try await s.f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let carla = try await s.f.user("carla@demo.test", groups: [north])
            #expect(try await s.f.stores.clients.client(c.clientID, scope: .of(carla)) == nil)
            let given = try await s.f.stores.leads.register(InteractionDraft(person: LeadPerson(name: "Tres", email: "tres@x.pe"),
                                                                             projectID: s.project, entryType: .salesRoom, kind: .quote,
                                                                             responsibleID: carla.id), by: s.f.admin)
            #expect(given.leadID == c.leadID && given.responsibleID == s.ana.id)
            let fresh = try await s.f.stores.leads.register(InteractionDraft(person: LeadPerson(name: "Cinco", email: "cinco@x.pe"),
                                                                             projectID: s.project, entryType: .salesRoom, responsibleID: carla.id),
                                                            by: s.f.admin)
            #expect(fresh.responsibleID == carla.id)
            #expect(try await s.f.stores.clients.client(fresh.clientID, scope: .of(carla)) != nil)
            #expect(try await s.f.stores.clients.client(c.clientID, scope: .of(carla)) == nil)
        }
    }

    @Test("funnel counts are of records: every quote and reservation once; a reservation followed by a quote is a new lead")
    func funnelCounts() async throws {
        try await TestDatabase.with { db in
            let s = try await Sales.make(db)
            let p = LeadPerson(name: "Rosa Díaz", nationalID: "41222333", email: "rosa@x.pe")
            let lead = try await s.register(p, channel: s.portal)
            let quote1 = try await s.register(p, kind: .quote)
            _ = try await s.register(p, kind: .quote)
            #expect(quote1.leadID == lead.leadID)
            var counts = try await s.counts()
            #expect(counts[.lead]?.total == 0 && counts[.quote]?.total == 2)
            _ = try await s.register(p, kind: .reservation)
            let requote = try await s.register(p, kind: .quote)
            #expect(requote.leadID != lead.leadID)
            counts = try await s.counts()
            #expect(counts[.quote]?.total == 3 && counts[.reservation]?.total == 1)
            let issued = try #require(try await s.f.stores.salesCatalogue.reservationStatuses().first { $0.name == "Emitida" })
            #expect(counts[.reservation]?.statuses[issued.id.description] == 1)
            _ = try await s.register(LeadPerson(name: "Solo Lead", email: "solo@x.pe"), channel: s.portal)
            counts = try await s.counts()
            #expect(counts[.lead]?.total == 1 && counts[.lead]?.categories[.portals] == 1)
            #expect(counts[.quote]?.categories[.web] == 3)
            // Filters narrow the records: an entry type nobody used counts nothing.
            let salesRoom = try await s.counts(FunnelQuery(entryType: .salesRoom))
            #expect(salesRoom.values.allSatisfy { $0.total == 0 })
            let before = try await s.counts(FunnelQuery(to: Fixture.now.addingTimeInterval(-86_400)))
            #expect(before.values.allSatisfy { $0.total == 0 })
            let inSubgroup = try await s.counts(FunnelQuery(stageID: s.stage, subgroupID: s.subgroup, from: Fixture.now.addingTimeInterval(-60)))
            #expect(inSubgroup[.quote]?.total == 3 && inSubgroup[.lead]?.total == 1)
        }
    }

    @Test("not contacted past the deadline, to contact within it, contacted after a follow-up; abort and discard follow the seed's rules")
    func statusesAndActions() async throws {
        try await TestDatabase.with { db in
            let s = try await Sales.make(db)
            let late = try await s.register(LeadPerson(name: "Tarde", email: "tarde@x.pe"), at: Fixture.now.addingTimeInterval(-3 * 86_400))
            let fresh = try await s.register(LeadPerson(name: "Reciente", phone: "999 111 222"), at: Fixture.now.addingTimeInterval(-3600))
            let unreachable = try await s.register(LeadPerson(name: "Sin Datos"))
            var counts = try await s.counts()
            #expect(counts[.lead]?.statuses == ["not_contacted": 1, "to_contact": 2])
            let table = try await s.f.stores.funnel.table(FunnelTableQuery(funnel: FunnelQuery(), phase: .lead, status: "not_contacted"), by: s.f.admin)
            #expect(table.map(\.lead.id) == [late.leadID])
            #expect(table.first?.quality == .problems)

            let lateLead = try #require(try await s.f.stores.leads.listing(late.leadID, by: s.f.admin)).lead
            let followed = try await s.f.stores.leads.followUp(late.leadID, LeadFollowUp(
                recontactAt: Fixture.now.addingTimeInterval(86_400), expectation: .high, contactType: .phone, comment: "Llamar el lunes"),
                expectedVersion: lateLead.version, by: s.ana)
            #expect(followed.lastContactAt == Fixture.now)
            // The follow-up landed in the responsible's follow-ups.
            let tasks = try await s.f.stores.followUps.list(FollowUpQuery(clientID: late.clientID), by: s.f.admin, timeZone: .gmt)
            #expect(tasks.count == 1 && tasks.first?.followUp.draft.responsibleID == late.responsibleID)
            await #expect(throws: StoreError.versionConflict(current: followed.version)) {
                _ = try await s.f.stores.leads.abort(late.leadID, reason: "No interesa", comment: nil, expectedVersion: lateLead.version, by: s.f.admin)
            }

            // Discard: only bad or with-problems leads, with reason and comment.
            let freshLead = try #require(try await s.f.stores.leads.listing(fresh.leadID, by: s.f.admin)).lead
            await #expect(throws: ValidationFailure([FieldError("comment", "required")])) {
                _ = try await s.f.stores.leads.discard(fresh.leadID, reason: "Número inexistente", comment: nil,
                                                       expectedVersion: freshLead.version, by: s.f.admin)
            }
            let unreachableLead = try #require(try await s.f.stores.leads.listing(unreachable.leadID, by: s.f.admin))
            #expect(unreachableLead.quality == .bad)
            _ = try await s.f.stores.leads.discard(unreachable.leadID, reason: "Sin datos", comment: "Formulario vacío",
                                                   expectedVersion: unreachableLead.lead.version, by: s.f.admin)
            _ = try await s.f.stores.leads.abort(fresh.leadID, reason: "Compró en otro lado", comment: nil, expectedVersion: freshLead.version,
                                                 by: s.f.admin)
            counts = try await s.counts()
            #expect(counts[.lead]?.statuses == ["contacted": 1, "aborted": 1, "discarded": 1])

            // A complete person is edited on the card, not here; an incomplete one gets completed.
            let good = try await s.register(LeadPerson(name: "Completo", nationalID: "45111222", email: "ok@x.pe"))
            let goodLead = try #require(try await s.f.stores.leads.listing(good.leadID, by: s.f.admin)).lead
            await #expect(throws: ValidationFailure([FieldError("state", "not_discardable")])) {
                _ = try await s.f.stores.leads.discard(good.leadID, reason: "x", comment: "y", expectedVersion: goodLead.version, by: s.f.admin)
            }
            let edited = try await s.f.stores.leads.editContact(unreachable.leadID, LeadPerson(name: "Con Datos", nationalID: "47000111",
                                                                                              phone: "+51 911 222 333"),
                                                                 expectedVersion: unreachableLead.lead.version + 1, by: s.f.admin)
            let after = try #require(try await s.f.stores.leads.listing(edited.id, by: s.f.admin))
            #expect(after.quality == .good && after.clientName == "Con Datos")
            await #expect(throws: ValidationFailure([FieldError("state", "edit_on_card")])) {
                _ = try await s.f.stores.leads.editContact(good.leadID, LeadPerson(name: "Otro"), expectedVersion: goodLead.version, by: s.f.admin)
            }

            // The survey keeps its answers.
            try await s.f.stores.salesCatalogue.createNamed(.surveyQuestions, name: "¿Cuántos dormitorios busca?", by: s.f.admin)
            let question = try #require(try await s.f.stores.salesCatalogue.surveyQuestions().first)
            try await s.f.stores.leads.answerSurvey(good.leadID, [question.id: "3"], by: s.f.admin)
            #expect(try await s.f.stores.leads.surveyAnswers(of: good.leadID, by: s.f.admin).map(\.answer) == ["3"])
            await #expect(throws: ValidationFailure([FieldError("answers", "required")])) {
                try await s.f.stores.leads.answerSurvey(good.leadID, [question.id: "  "], by: s.f.admin)
            }
        }
    }

    @Test("a seller sees their leads, the project's manager all of them, anyone else none — in counts, table and the client's interactions")
    func scope() async throws {
        try await TestDatabase.with { db in
            let s = try await Sales.make(db)
            let a = try await s.register(LeadPerson(name: "Para Ana", email: "a@x.pe"))
            let b = try await s.register(LeadPerson(name: "Para Beto", email: "b@x.pe"))
            #expect(a.responsibleID == s.ana.id && b.responsibleID == s.beto.id)
            #expect(try await s.counts(by: s.ana)[.lead]?.total == 1)
            #expect(try await s.counts(by: s.manager)[.lead]?.total == 2)
            #expect(try await s.counts(by: s.outsider)[.lead]?.total == 0)
            let anaTable = try await s.f.stores.funnel.table(FunnelTableQuery(funnel: FunnelQuery(), phase: .lead), by: s.ana)
            #expect(anaTable.map(\.lead.id) == [a.leadID])
            #expect(try await s.f.stores.leads.listing(b.leadID, by: s.ana) == nil)
            #expect(try await s.f.stores.leads.interactions(of: b.clientID, by: s.ana).isEmpty)
            #expect(try await s.f.stores.leads.interactions(of: b.clientID, by: s.manager).count == 1)
            await #expect(throws: StoreError.notFound) {
                _ = try await s.f.stores.leads.abort(b.leadID, reason: "x", comment: nil, expectedVersion: 1, by: s.ana)
            }
            // Search by phone digits, e-mail or name.
            let found = try await s.f.stores.funnel.table(FunnelTableQuery(funnel: FunnelQuery(), phase: .lead, search: "b@x"), by: s.manager)
            #expect(found.map(\.lead.id) == [b.leadID])
            // The funnel's project filter only reaches the project's records.
            let other = try await s.f.stores.salesCatalogue.createProject(name: "Otro proyecto", by: s.f.admin)
            #expect(try await s.counts(FunnelQuery(projectID: other))[.lead]?.total == 0)
            #expect(try await s.f.stores.salesCatalogue.projects(of: s.ana).map(\.name) == ["Torre Mirador"])
            #expect(try await s.f.stores.salesCatalogue.projects(of: s.outsider).isEmpty)
        }
    }

    @Test("a retried intake under the same key writes nothing new; the key with another body is refused; bad references name their field")
    func idempotencyAndReferences() async throws {
        try await TestDatabase.with { db in
            let s = try await Sales.make(db)
            let person = LeadPerson(name: "Web Uno", email: "web1@x.pe")
            let first = try await s.register(person, key: "form-123")
            let again = try await s.register(person, key: "form-123")
            #expect(again.replayed && again.interactionID == first.interactionID)
            await #expect(throws: StoreError.idempotencyKeyReused) {
                _ = try await s.register(LeadPerson(name: "Web Dos", email: "web2@x.pe"), key: "form-123")
            }
            #expect(try await s.f.stores.leads.interactions(of: first.clientID, by: s.f.admin).count == 1)
            let other = try await s.f.stores.salesCatalogue.createProject(name: "Condominio Sur", by: s.f.admin)
            await #expect(throws: ValidationFailure([FieldError("stageId", "unknown_reference"), FieldError("subgroupId", "unknown_reference")])) {
                _ = try await s.f.stores.leads.register(InteractionDraft(person: person, projectID: other, stageID: s.stage, subgroupID: s.subgroup,
                                                                         entryType: .web), by: s.f.admin)
            }
            // A subgroup without a stage is checked against the project alone (PostgreSQL could not type the missing stage: a 500).
            await #expect(throws: ValidationFailure([FieldError("subgroupId", "unknown_reference")])) {
                _ = try await s.f.stores.leads.register(InteractionDraft(person: person, projectID: other, subgroupID: s.subgroup, entryType: .web),
                                                        by: s.f.admin)
            }
            _ = try await s.f.stores.leads.register(InteractionDraft(person: LeadPerson(name: "Web Tres", email: "web3@x.pe"), projectID: s.project,
                                                                     subgroupID: s.subgroup, entryType: .web), by: s.f.admin)
            await #expect(throws: ValidationFailure([FieldError("kind", "invalid_choice")])) {
                _ = try await s.f.stores.leads.register(InteractionDraft(person: person, projectID: s.project, entryType: .web, kind: .followUp),
                                                        by: s.f.admin)
            }
        }
    }
}
