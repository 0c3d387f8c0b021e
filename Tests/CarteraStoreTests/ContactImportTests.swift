import CarteraCore
import CarteraStore
import CarteraTestSupport
import Testing

@Suite("Importing contacts")
struct ContactImportTests {
    func run(_ f: Fixture, _ rows: [[String]], dryRun: Bool, as viewer: Viewer? = nil) async throws -> ImportReport {
        let (mapping, _) = ContactImportField.match(headers: rows[0], aliases: ["Clave": .contactKey, "N.º": .clientNumber,
                                                                                 "Nombre": .name, "Correo": .email])
        var remaining = rows.dropFirst()
        return try await f.stores.contacts.importContacts(headers: rows[0], mapping: mapping,
                                                          options: ClientImportOptions(dryRun: dryRun, fileName: "contactos.csv"),
                                                          by: viewer ?? f.admin) { remaining.popFirst() }
    }

    @Test("rows with a key change that contact, rows with a client number add one; bad rows stop the whole file")
    func keysAndNumbers() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let client = try await f.client("Cliente SA")
            let ana = try await f.stores.contacts.create(clientID: client.id, name: "Ana", role: nil, email: nil, phone: nil, by: f.admin)
            let rows = [["Clave", "N.º", "Nombre", "Correo"],
                        ["\(ana.contactKey)", "", "Ana María", "ana@cliente.com"],
                        ["", "\(client.clientNumber)", "Beto", ""],
                        ["", "999", "Nadie", "mal"]]
            let dry = try await run(f, rows, dryRun: true)
            #expect(dry.updated == 1 && dry.created == 1)
            #expect(dry.errors.map { "\($0.row) \($0.column) \($0.error.code)" } == ["4 N.º not_found", "4 Correo invalid_email"])
            #expect(!(try await run(f, rows, dryRun: false)).committed)
            #expect(try await f.stores.contacts.contacts(of: client.id, scope: .all).map(\.name) == ["Ana"])
            let done = try await run(f, Array(rows.prefix(3)), dryRun: false)
            #expect(done.committed)
            #expect(try await f.stores.contacts.contacts(of: client.id, scope: .all).map(\.name) == ["Ana María", "Beto"])
        }
    }

    @Test("contacts of clients outside the scope are not found")
    func scope() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let south = try await f.stores.catalogues.createClientGroup(name: "Sur", userIDs: [], by: nil)
            let hidden = try await f.client("Oculto", group: south)
            let contact = try await f.stores.contacts.create(clientID: hidden.id, name: "Zoe", role: nil, email: nil, phone: nil, by: f.admin)
            let role = try await f.stores.organisation.roles().first { $0.key == "supervisor" }!
            try await f.stores.organisation.updateRole(role.id, name: role.name, permissions: role.permissions.union([.importData]),
                                                       expectedVersion: role.version, by: nil)
            let supervisor = try await f.user("sup@demo.test", roles: ["supervisor"], level: .branch, groups: [north])
            let report = try await run(f, [["Clave", "Nombre"], ["\(contact.contactKey)", "Robada"]], dryRun: false, as: supervisor)
            #expect(report.errors.map(\.error.code) == ["not_found"] && !report.committed)
        }
    }

    @Test("reverting a contact import removes the contacts it added and restores those it changed, except ones edited since")
    func revert() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let client = try await f.client("Cliente SA")
            let ana = try await f.stores.contacts.create(clientID: client.id, name: "Ana", role: nil, email: nil, phone: nil, by: f.admin)
            let beto = try await f.stores.contacts.create(clientID: client.id, name: "Beto", role: nil, email: nil, phone: nil, by: f.admin)
            let rows = [["Clave", "N.º", "Nombre", "Correo"],
                        ["\(ana.contactKey)", "", "Ana María", "ana@cliente.com"],
                        ["\(beto.contactKey)", "", "Roberto", ""],
                        ["", "\(client.clientNumber)", "Carla", ""]]
            let done = try await run(f, rows, dryRun: false)
            #expect(done.committed && done.updated == 2 && done.created == 1)
            let record = try #require(try await f.stores.clients.imports(by: f.admin).first)
            #expect(record.entity == "contact" && record.fileName == "contactos.csv" && record.created == 1 && record.updated == 2)
            let roberto = try #require(try await f.stores.contacts.contacts(of: client.id, scope: .all).first { $0.name == "Roberto" })
            _ = try await f.stores.contacts.update(roberto.id, name: "Roberto Gómez", role: nil, email: nil, phone: nil,
                                                   expectedVersion: roberto.version, by: f.admin)

            let (entity, report) = try await f.stores.clients.revertImport(record.id, by: f.admin)
            #expect(entity == "contact" && report.restored == 1 && report.archived == 1 && report.editedSince == [beto.contactKey])
            let names = try await f.stores.contacts.contacts(of: client.id, scope: .all).map(\.name).sorted()
            #expect(names == ["Ana", "Roberto Gómez"])
            let restored = try #require(try await f.stores.contacts.contacts(of: client.id, scope: .all).first { $0.name == "Ana" })
            #expect(restored.email == nil)
        }
    }

    @Test("a dry run longer than one chunk counts every row and writes nothing")
    func chunkedDryRun() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let client = try await f.client("Cliente SA")
            var rows = [["Clave", "N.º", "Nombre", "Correo"]]
            for n in 0..<600 { rows.append(["", "\(client.clientNumber)", "Persona \(n)", n == 599 ? "mal" : ""]) }
            let dry = try await run(f, rows, dryRun: true)
            #expect(dry.created == 599 && dry.errors.map { "\($0.row) \($0.error.code)" } == ["601 invalid_email"])
            #expect(try await f.stores.contacts.contacts(of: client.id, scope: .all).isEmpty)
        }
    }
}
