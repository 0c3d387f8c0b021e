import CarteraCore
@testable import CarteraStore
import CarteraTestSupport
import Testing

@Suite("Importing and bulk-modifying clients from a spreadsheet")
struct ClientImportTests {
    let aliases: [String: ClientImportField] = ClientImportField.builtIn.merging(
        ["N.º": .clientNumber, "Razón social": .legalName, "Ciudad": .city, "Correos": .emails, "Grupo": .clientGroup,
         "Rubro": .customField("rubro")], uniquingKeysWith: { a, _ in a })

    func run(_ f: Fixture, _ rows: [[String]], dryRun: Bool, updateBy: ClientImportOptions.UpdateBy = .number,
             emptyClears: Bool = false, as viewer: Viewer? = nil) async throws -> ImportReport {
        let (mapping, _) = ClientImportField.match(headers: rows[0], aliases: aliases)
        var remaining = rows.dropFirst()
        return try await f.stores.clients.importClients(
            headers: rows[0], mapping: mapping,
            options: ClientImportOptions(updateBy: updateBy, emptyClears: emptyClears, dryRun: dryRun, fileName: "clientes.xlsx"),
            by: viewer ?? f.admin) { remaining.popFirst() }
    }

    @Test("headers match by key or label, ignoring case and accents; unknown columns are reported")
    func headers() {
        let (mapping, unknown) = ClientImportField.match(headers: ["razon social", "CIUDAD", "Color favorito", "", "legalName"],
                                                         aliases: aliases)
        #expect(mapping == [0: .legalName, 1: .city])
        #expect(unknown == ["Color favorito", "legalName"])
    }

    @Test("a dry run counts and reports every bad cell; nothing is written until a clean commit")
    func dryRunThenCommit() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            _ = try await f.stores.catalogues.createClientGroup(name: "Zona Norte", userIDs: [], by: nil)
            _ = try await f.stores.catalogues.createCustomField(labelES: "Rubro", labelEN: "", type: .text, required: false,
                                                               showInList: false, choices: [], by: nil)
            let existing = try await f.client("Vieja SRL", city: "Lima")
            let rows = [["N.º", "Razón social", "Ciudad", "Correos", "Grupo", "Rubro"],
                        ["", "Nueva SA", "Córdoba", "a@b.com; c@d.com", "zona norte", "Agro"],
                        ["\(existing.clientNumber)", "", "Arequipa", "", "", ""],
                        ["", "", "", "", "", ""],
                        ["", "Mala", "", "no-es-correo", "Zona Inexistente", ""],
                        ["999", "Fantasma", "", "", "", ""]]
            let dry = try await run(f, rows, dryRun: true)
            #expect(dry.created == 1 && dry.updated == 1 && !dry.committed)
            #expect(dry.errors.map { "\($0.row) \($0.column) \($0.error.code)" }
                    == ["5 Correos invalid_email", "5 Grupo unknown_reference", "6 N.º not_found"])
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).count == .exactly(1))
            let refused = try await run(f, rows, dryRun: false)
            #expect(!refused.committed)
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).count == .exactly(1))

            let clean = Array(rows.prefix(4))
            let done = try await run(f, clean, dryRun: false)
            #expect(done.committed && done.created == 1 && done.updated == 1 && done.importID != nil)
            let updated = try await f.stores.clients.client(existing.id, scope: .all)!
            #expect(updated.draft.address.city == "Arequipa" && updated.draft.legalName == "Vieja SRL")
            let created = try await f.stores.clients.list(ClientQuery(search: "nueva"), scope: .all).clients.first!
            #expect(created.draft.emails == ["a@b.com", "c@d.com"] && created.draft.customFields["rubro"] == .text("Agro"))
            #expect(try await f.stores.clients.history(existing.id, by: f.admin).first?.action == "import_update")
            let again = try await run(f, clean.enumerated().map { $0.offset == 1 ? ["", "Otra SA", "", "", "", ""] : $0.element },
                                      dryRun: true)
            #expect(again.unchanged == 1 && again.created == 1)
        }
    }

    @Test("empty cells leave fields alone unless the user chose that they clear them")
    func emptyClears() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let client = try await f.client("Con ciudad", city: "Lima")
            let rows = [["clientNumber", "city"], ["\(client.clientNumber)", ""]]
            #expect(try await run(f, rows, dryRun: false).unchanged == 1)
            #expect(try await run(f, rows, dryRun: false, emptyClears: true).updated == 1)
            #expect(try await f.stores.clients.client(client.id, scope: .all)?.draft.address.city == nil)
        }
    }

    @Test("rows matched by tax id update that client; a duplicate tax id inside the file is caught")
    func byTaxID() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let client = try await f.client("Fiscal SA", taxID: "20-12345678-3", taxIDKind: .cuit)
            let rows = [["taxId", "taxIdKind", "legalName"], ["20123456783", "CUIT", "Fiscal Renombrada SA"],
                        ["30-99999999-1", "CUIT", "Nueva Uno"], ["30999999991", "CUIT", "Nueva Dos"]]
            let report = try await run(f, rows, dryRun: true, updateBy: .taxID)
            #expect(report.updated == 1 && report.created == 1)
            #expect(report.errors.map { "\($0.row) \($0.column) \($0.error.code)" } == ["4 taxId duplicate_in_file"])
            _ = try await run(f, Array(rows.prefix(2)), dryRun: false, updateBy: .taxID)
            #expect(try await f.stores.clients.client(client.id, scope: .all)?.draft.legalName == "Fiscal Renombrada SA")
        }
    }

    @Test("an import cannot touch clients outside the user's scope, nor run without the permission")
    func scope() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let south = try await f.stores.catalogues.createClientGroup(name: "Sur", userIDs: [], by: nil)
            let hidden = try await f.client("Del Sur", group: south)
            let supervisor = try await f.user("sup@demo.test", roles: ["supervisor", "agent"], level: .branch, groups: [north])
            let rows = [["clientNumber", "legalName"], ["\(hidden.clientNumber)", "Robado"]]
            await #expect(throws: StoreError.forbidden) { try await run(f, rows, dryRun: true, as: supervisor) }
            let role = try await f.stores.organisation.roles().first { $0.key == "supervisor" }!
            try await f.stores.organisation.updateRole(role.id, name: role.name, permissions: role.permissions.union([.importData]),
                                                       expectedVersion: role.version, by: nil)
            let report = try await run(f, rows, dryRun: false, as: try await f.reload(supervisor))
            #expect(report.errors.map(\.error.code) == ["not_found"] && !report.committed)
            #expect(try await f.stores.clients.client(hidden.id, scope: .all)?.draft.legalName == "Del Sur")
        }
    }

    @Test("reverting an import archives what it created and restores what it changed, except clients edited since")
    func revert() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let a = try await f.client("Uno", city: "Lima")
            let b = try await f.client("Dos", city: "Cusco")
            let rows = [["clientNumber", "legalName", "city"], ["\(a.clientNumber)", "", "Arequipa"],
                        ["\(b.clientNumber)", "", "Piura"], ["", "Tres", "Tacna"]]
            let done = try await run(f, rows, dryRun: false)
            #expect(done.committed && done.updated == 2 && done.created == 1)
            let record = try await f.stores.clients.imports(by: f.admin).first!
            #expect(record.fileName == "clientes.xlsx" && record.created == 1 && record.updated == 2)
            let edited = try await f.stores.clients.client(b.id, scope: .all)!
            var draft = edited.draft
            draft.tradeName = "Editado después"
            _ = try await f.stores.clients.update(b.id, draft, expectedVersion: edited.version, by: f.admin)

            let (entity, report) = try await f.stores.clients.revertImport(record.id, by: f.admin)
            #expect(entity == "client" && record.entity == "client")
            #expect(report.restored == 1 && report.archived == 1 && report.editedSince == [b.clientNumber])
            #expect(try await f.stores.clients.client(a.id, scope: .all)?.draft.address.city == "Lima")
            #expect(try await f.stores.clients.client(b.id, scope: .all)?.draft.address.city == "Piura")
            let three = try await f.stores.clients.list(ClientQuery(search: "tres", archived: .all), scope: .all).clients.first!
            #expect(three.archived)
            await #expect(throws: ValidationFailure([FieldError("import", "already_reverted")])) {
                try await f.stores.clients.revertImport(record.id, by: f.admin)
            }
        }
    }

    @Test("new rows that look like an existing client or an earlier row are flagged, not refused")
    func duplicateHints() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let existing = try await f.client("Ferretería López SA", phones: ["+54 9 11 4444-1234"])
            let rows = [["legalName", "phones", "emails"],
                        ["FERRETERIA LÓPEZ SA", "", ""],
                        ["Otra SA", "11 4444-1234", "a@b.com"],
                        ["Tercera SA", "", "A@B.com"],
                        ["Ferreteria Lopes", "", ""],
                        ["Distribuidora Vázquez", "", ""],
                        ["Distribuidora Basques S.R.L.", "", ""],
                        ["Cuarta SA", "+54 11 5555-0000", ""],
                        ["Quinta SA", "11 5555-0000", ""]]
            let report = try await run(f, rows, dryRun: true)
            #expect(report.errorCount == 0 && report.created == 8)
            #expect(report.warnings.map { "\($0.row) \($0.column) \($0.error.code) \($0.error.arguments)" } == [
                "2 legalName possible_duplicate [\"\(existing.clientNumber)\"]",
                "3 phones possible_duplicate [\"\(existing.clientNumber)\"]",
                "4 emails possible_duplicate_row [\"3\"]",
                "5 legalName possible_duplicate_name [\"\(existing.clientNumber)\", \"Ferretería López SA\"]",
                "7 legalName possible_duplicate_row [\"6\"]",
                "9 phones possible_duplicate_row [\"8\"]",
            ])
        }
    }

    @Test("a dry run checked in chunks still finds duplicates across them and writes nothing; the commit matches it")
    func chunkedDryRun() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            var rows = [["legalName", "taxId"]]
            for index in 0..<2_400 { rows.append(["Empresa \(index)", "30-\(70_000_000 + index)-1"]) }
            rows.append(["Empresa 7", "30-99999999-1"])
            rows.append(["Otra", "30-70000003-1"])
            let dry = try await run(f, rows, dryRun: true, updateBy: .taxID)
            #expect(dry.created == 2_401 && dry.errorCount == 1 && !dry.committed)
            #expect(dry.errors.map { "\($0.row) \($0.error.code)" } == ["2403 duplicate_in_file"])
            #expect(dry.warnings.map { "\($0.row) \($0.error.code) \($0.error.arguments)" } == ["2402 possible_duplicate_row [\"9\"]"])
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).count == .exactly(0))

            rows.removeLast()
            let done = try await run(f, rows, dryRun: false, updateBy: .taxID)
            #expect(done.committed && done.created == 2_401 && done.warningCount == dry.warningCount)
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).count == .exactly(2_401))
        }
    }

    @Test("new clients are written in blocks, yet each row meets the file as the rows before it left it")
    func blocks() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            _ = try await f.stores.catalogues.createClientGroup(name: "Sur", userIDs: [], by: nil)
            let existing = try await f.client("Antigua SA", group: north)
            var rows = [["clientNumber", "legalName", "taxId", "Grupo", "phones"]]
            for index in 0..<1_200 { rows.append(["", "Empresa \(index)", "30-\(70_000_000 + index)-1", "Norte", ""]) }
            // Row 601 updates a client between two blocks of new ones; row 1,101 reuses row 52's tax id (written
            // a block earlier); row 1,102 names a group that does not exist; row 1,104 repeats row 1,103's phone.
            rows[600] = ["\(existing.clientNumber)", "Antigua Renombrada SA", "", "", ""]
            rows[1_100] = ["", "Repetida", "30-70000050-1", "Norte", ""]
            rows[1_101] = ["", "Sin grupo", "", "Oeste", ""]
            rows[1_102] = ["", "Con teléfono", "", "Norte", "+54 11 4000-1111"]
            rows[1_103] = ["", "Mismo teléfono", "", "Norte", "11 4000 1111"]
            let refused = try await run(f, rows, dryRun: false)
            #expect(!refused.committed && refused.created == 1_197 && refused.updated == 1)
            #expect(refused.errors.map { "\($0.row) \($0.column) \($0.error.code)" }
                    == ["1101 taxId duplicate", "1102 Grupo unknown_reference"])
            #expect(refused.warnings.map { "\($0.row) \($0.error.code) \($0.error.arguments)" }
                    == ["1104 possible_duplicate_row [\"1103\"]"])
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).count == .exactly(1))
            if db.kind == .sqlite { #expect(try await automerge(db) == [nil, nil, nil]) }  // rolled back with the import

            rows.removeSubrange(1_100...1_101)
            let done = try await run(f, rows, dryRun: false)
            #expect(done.committed && done.created == 1_197 && done.updated == 1)
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).count == .exactly(1_198))
            #expect(try await f.stores.clients.client(existing.id, scope: .all)?.draft.legalName == "Antigua Renombrada SA")
            // SQLite: the word and digit indexes, written with merging held back, agree with the
            // clients, and merging is on again.
            if db.kind == .sqlite {
                try await db.write { session in
                    for table in ClientWordIndex.searchTables {
                        // The index's own structure (`rank` 1 would also compare it with every row of
                        // `clients`, archived ones included, which the active words leave out).
                        try await session.run("INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: table)) VALUES ('integrity-check')")
                    }
                }
                #expect(try await automerge(db) == [4, 4, 4])
            }
            // Both blocks' words are found: 1,200 “Empresa” rows but the four replaced and the updated one.
            #expect(try await f.stores.clients.list(ClientQuery(search: "empresa"), scope: .all).count == .exactly(1_195))
            let last = try await f.stores.clients.list(ClientQuery(search: "mismo telefono"), scope: .all).clients.first!
            #expect(last.clientNumber == existing.clientNumber + 1_100 && last.draft.clientGroupID == north)
            let event = try await f.stores.clients.history(last.id, by: f.admin).first!
            #expect(event.action == "import_create" && event.changes.contains { $0.field == "legalName" && $0.after == "Mismo teléfono" })
            // The phone keys were written with the clients: a later file's row is told about them.
            let later = try await run(f, [["legalName", "phones"], ["Tercero SA", "4000-1111"]], dryRun: true)
            #expect(later.warnings.map { "\($0.error.code)" } == ["possible_duplicate"])
            let record = try await f.stores.clients.imports(by: f.admin).first!
            #expect(try await f.stores.clients.revertImport(record.id, by: f.admin).1.archived == 1_197)
        }
    }

    @Test("a new client's key or event that fails to be written, behind the next block's checks, undoes the whole import")
    func writeBehindFailure() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            // A client named “Boom” cannot have its audit event written: a failure of the statements
            // queued behind the first block (`WriteBehind`), found as the second block begins.
            try await db.write { session in
                switch db.kind {
                case .sqlite:
                    try await session.run("""
                        CREATE TRIGGER refuse_boom BEFORE INSERT ON audit_events WHEN new.changes LIKE '%Boom%'
                        BEGIN SELECT RAISE(ABORT, 'boom'); END
                        """)
                case .postgres:
                    try await session.run("""
                        CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN IF NEW.changes::text LIKE '%Boom%' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$
                        """)
                    try await session.run("""
                        CREATE TRIGGER refuse_boom BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_boom()
                        """)
                }
            }
            var rows = [["legalName"]] + (0..<1_500).map { ["Empresa \($0)"] }
            rows[500] = ["Boom SA"]
            await #expect(throws: (any Error).self) { try await run(f, rows, dryRun: false) }
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).count == .exactly(0))
            #expect(try await f.stores.clients.imports(by: f.admin).isEmpty)

            try await db.write { session in try await session.run("DROP TRIGGER refuse_boom\(unsafeRaw: db.kind == .postgres ? " ON audit_events" : "")") }
            let done = try await run(f, rows, dryRun: false)
            #expect(done.committed && done.created == 1_500)
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).count == .exactly(1_500))
        }
    }

    /// SQLite's word and digit indexes' `automerge` setting (nil where never set).
    func automerge(_ db: Database) async throws -> [Int64?] {
        guard db.kind == .sqlite else { return [] }
        return try await db.read { session in
            var values: [Int64?] = []
            for table in ClientWordIndex.searchTables {
                values.append(try await session.first("SELECT v FROM \(unsafeRaw: table + "_config") WHERE k = 'automerge'")?.int("v"))
            }
            return values
        }
    }

    @Test("a user creating a client outside their own scope is refused for that row")
    func createOutsideScope() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            _ = try await f.stores.catalogues.createClientGroup(name: "Sur", userIDs: [], by: nil)
            let role = try await f.stores.organisation.roles().first { $0.key == "supervisor" }!
            try await f.stores.organisation.updateRole(role.id, name: role.name, permissions: role.permissions.union([.importData]),
                                                       expectedVersion: role.version, by: nil)
            let supervisor = try await f.user("sup@demo.test", roles: ["supervisor", "agent"], level: .branch, groups: [north])
            let rows = [["legalName", "Grupo"], ["Del Norte", "Norte"], ["Del Sur", "Sur"]]
            let report = try await run(f, rows, dryRun: false, as: supervisor)
            #expect(!report.committed && report.created == 1)
            #expect(report.errors.map { "\($0.row) \($0.column) \($0.error.code)" } == ["3 Grupo outside_scope"])
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).count == .exactly(0))
        }
    }

    @Test("a phone changed on the client is what the duplicate hint compares with")
    func phoneTailsFollowEdits() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let client = try await f.client("Uno SA", phones: ["+54 11 4000-1111"])
            var draft = client.draft
            draft.phones = ["+54 11 4000-2222"]
            _ = try await f.stores.clients.update(client.id, draft, expectedVersion: client.version, by: f.admin)
            let report = try await run(f, [["legalName", "phones"], ["Otro SA", "11 4000 1111"], ["Tercero SA", "4000-2222"]],
                                       dryRun: true)
            #expect(report.warnings.map { "\($0.row) \($0.error.code)" } == ["3 possible_duplicate"])
        }
    }
}
