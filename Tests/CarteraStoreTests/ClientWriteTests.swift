import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Writing clients keeps data whole")
struct ClientWriteTests {
    @Test("client numbers are consecutive and a refused write uses none")
    func consecutiveNumbers() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let a = try await f.client("Uno")
            await #expect(throws: ValidationFailure.self) { try await f.client("", emails: ["x"]) }
            let b = try await f.client("Dos")
            #expect(a.clientNumber == 1)
            #expect(b.clientNumber == 2)
        }
    }

    @Test("every invalid field is reported at once and nothing is written")
    func validation() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let draft = ClientDraft(legalName: "  ", taxID: "123", taxIDKind: .cuit, latitude: 95, longitude: 10,
                                    emails: ["no-es-correo"], phones: ["abc"])
            do {
                _ = try await f.stores.clients.create(draft, by: f.admin)
                Issue.record("expected a validation failure")
            } catch let failure as ValidationFailure {
                #expect(Set(failure.errors.map(\.field)) == ["legalName", "taxId", "latitude", "emails", "phones"])
            }
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).count == .exactly(0))
        }
    }

    @Test("a tax id belongs to one active client")
    func duplicateTaxID() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            try await f.client("Uno", taxID: "20-12345678-3", taxIDKind: .cuit)
            do {
                try await f.client("Dos", taxID: "20123456783", taxIDKind: .cuit)
                Issue.record("expected duplicate")
            } catch let failure as ValidationFailure {
                #expect(failure.errors == [FieldError("taxId", "duplicate")])
            }
        }
    }

    @Test("a stale edit is refused; the audit log keeps who changed what")
    func staleEditAndAudit() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let client = try await f.client("Original", city: "Lima")
            var first = client.draft
            first.legalName = "Primera edición"
            let saved = try await f.stores.clients.update(client.id, first, expectedVersion: client.version, by: f.admin)
            #expect(saved.version == client.version + 1)
            var second = client.draft
            second.legalName = "Edición vieja"
            await #expect(throws: StoreError.versionConflict(current: saved.version)) {
                try await f.stores.clients.update(client.id, second, expectedVersion: client.version, by: f.admin)
            }
            let history = try await f.stores.clients.history(client.id, by: f.admin)
            #expect(history.map(\.action) == ["update", "create"])
            #expect(history[0].changes == [AuditChange(field: "legalName", before: "Original", after: "Primera edición")])
            #expect(history[0].userID == f.admin.id)
        }
    }

    @Test("archive and restore are reversible and need the permission")
    func archive() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let client = try await f.client("Archivable")
            let technician = try await f.user("tec@demo.test", roles: ["technician"])
            await #expect(throws: StoreError.forbidden) {
                try await f.stores.clients.setArchived(client.id, true, expectedVersion: nil, by: technician)
            }
            let archived = try await f.stores.clients.setArchived(client.id, true, expectedVersion: client.version, by: f.admin)
            #expect(archived.archived)
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).count == .exactly(0))
            #expect(try await f.stores.clients.list(ClientQuery(archived: .archived), scope: .all).count == .exactly(1))
            let restored = try await f.stores.clients.setArchived(client.id, false, expectedVersion: nil, by: f.admin)
            #expect(!restored.archived)
        }
    }

    @Test("custom fields are validated by type and filterable")
    func customFields() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let catalogues = f.stores.catalogues
            _ = try await catalogues.createCustomField(labelES: "Cantidad de equipos", labelEN: "Units", type: .integer,
                                                       required: false, showInList: true, choices: [], by: nil)
            _ = try await catalogues.createCustomField(labelES: "Zona", labelEN: "Zone", type: .choice, required: true,
                                                       showInList: false, choices: ["Centro", "Oeste"], by: nil)
            _ = try await catalogues.createCustomField(labelES: "VIP", labelEN: "VIP", type: .checkbox, required: false,
                                                       showInList: false, choices: [], by: nil)
            do {
                try await f.client("Malo", customFields: ["cantidad_de_equipos": .text("muchos"), "zona": .text("Norte")])
                Issue.record("expected failure")
            } catch let failure as ValidationFailure {
                #expect(Set(failure.errors.map(\.code)) == ["invalid_integer", "invalid_choice"])
            }
            try await f.client("Bueno", customFields: ["cantidad_de_equipos": .text("12"), "zona": .text("Centro"), "vip": .bool(true)])
            try await f.client("Otro", customFields: ["cantidad_de_equipos": .integer(3), "zona": .text("Oeste")])
            let definitions = try await catalogues.customFields()
            func filtered(_ key: String, _ value: String) async throws -> [String] {
                let definition = definitions.first { $0.key == key }!
                return try await f.stores.clients.list(ClientQuery(filters: [.customField(definition, value)]), scope: .all)
                    .clients.map(\.draft.legalName)
            }
            #expect(try await filtered("cantidad_de_equipos", "12") == ["Bueno"])
            #expect(try await filtered("zona", "Oeste") == ["Otro"])
            #expect(try await filtered("vip", "true") == ["Bueno"])
            #expect(try await filtered("vip", "false") == ["Otro"])
        }
    }
}

@Suite("Archived clients and tax ids")
struct ArchivedTaxIDTests {
    @Test("an archived client frees its tax id; restoring it while another holds it is refused")
    func restoreWithTakenTaxID() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let old = try await f.client("Vieja", taxID: "20-12345678-3", taxIDKind: .cuit)
            _ = try await f.stores.clients.setArchived(old.id, true, expectedVersion: nil, by: f.admin)
            try await f.client("Nueva", taxID: "20123456783", taxIDKind: .cuit)
            await #expect(throws: ValidationFailure([FieldError("taxId", "duplicate")])) {
                try await f.stores.clients.setArchived(old.id, false, expectedVersion: nil, by: f.admin)
            }
        }
    }
}

@Suite("Creates from integrations are idempotent")
struct IdempotentCreateTests {
    @Test("a retried create returns the first client; a reused key with another body is refused")
    func retries() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let body = Data(#"{"legalName":"Reintento SA"}"#.utf8)
            let key = IdempotencyKey(key: "erp-42", body: body)
            let first = try await f.stores.clients.create(ClientDraft(legalName: "Reintento SA"), by: f.admin, idempotency: key)
            let again = try await f.stores.clients.create(ClientDraft(legalName: "Reintento SA"), by: f.admin, idempotency: key)
            #expect(!first.replayed && again.replayed)
            #expect(again.client.id == first.client.id)
            #expect(try await f.stores.clients.list(ClientQuery(), scope: .all).count == .exactly(1))
            let other = IdempotencyKey(key: "erp-42", body: Data(#"{"legalName":"Otro"}"#.utf8))
            await #expect(throws: StoreError.idempotencyKeyReused) {
                try await f.stores.clients.create(ClientDraft(legalName: "Otro"), by: f.admin, idempotency: other)
            }
            let another = try await f.stores.clients.create(ClientDraft(legalName: "Otro"), by: f.admin,
                                                            idempotency: IdempotencyKey(key: "erp-43", body: body))
            #expect(another.client.clientNumber == 2)
        }
    }
}

@Suite("Changing a custom field's type and purging it")
struct CustomFieldMaintenanceTests {
    @Test("a type change converts every value, or is refused naming the clients whose values do not fit")
    func typeChange() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let catalogues = f.stores.catalogues
            let id = try await catalogues.createCustomField(labelES: "Equipos", labelEN: "", type: .text, required: false,
                                                            showInList: false, choices: [], by: nil)
            let a = try await f.client("Uno", customFields: ["equipos": .text("12")])
            let b = try await f.client("Dos", customFields: ["equipos": .text("muchos")])
            await #expect(throws: ValidationFailure([FieldError("type", "type_change_refused", ["1", "\(b.clientNumber)"])])) {
                try await catalogues.changeCustomFieldType(id, to: .integer, choices: [], expectedVersion: 1, by: nil)
            }
            #expect(try await f.stores.clients.client(a.id, scope: .all)?.draft.customFields["equipos"] == .text("12"))
            var draft = b.draft
            draft.customFields["equipos"] = .text("3")
            _ = try await f.stores.clients.update(b.id, draft, expectedVersion: b.version, by: f.admin)
            #expect(try await catalogues.changeCustomFieldType(id, to: .integer, choices: [], expectedVersion: 1, by: nil) == 2)
            #expect(try await f.stores.clients.client(a.id, scope: .all)?.draft.customFields["equipos"] == .integer(12))
            #expect(try await catalogues.customFields().first?.type == .integer)
        }
    }

    @Test("only a hidden field can be purged; its values and search words go with it")
    func purge() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let catalogues = f.stores.catalogues
            let id = try await catalogues.createCustomField(labelES: "Apodo", labelEN: "", type: .text, required: false,
                                                            showInList: false, choices: [], by: nil)
            let client = try await f.client("Cliente", customFields: ["apodo": .text("Zorrito")])
            await #expect(throws: ValidationFailure([FieldError("active", "purge_visible_field")])) {
                try await catalogues.purgeCustomField(id, expectedVersion: 1, by: nil)
            }
            try await catalogues.updateCustomField(id, labelES: "Apodo", labelEN: "", required: false, showInList: false,
                                                   choices: [], active: false, expectedVersion: 1, by: nil)
            #expect(try await f.stores.clients.list(ClientQuery(search: "zorrito"), scope: .all).count == .exactly(1))
            #expect(try await catalogues.purgeCustomField(id, expectedVersion: 2, by: nil) == 1)
            #expect(try await f.stores.clients.client(client.id, scope: .all)?.draft.customFields.isEmpty == true)
            #expect(try await f.stores.clients.list(ClientQuery(search: "zorrito"), scope: .all).count == .exactly(0))
            #expect(try await catalogues.customFields().isEmpty)
        }
    }
}
