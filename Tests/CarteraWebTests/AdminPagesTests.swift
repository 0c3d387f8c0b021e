import CarteraCore
import CarteraStore
import CarteraTestSupport
import CarteraWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Administration in the browser")
struct AdminPagesTests {
    @Test("an admin adds a user who can then sign in; a seller cannot open administration")
    func users() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let roles = try await world.fixture.stores.organisation.roles()
            let technician = roles.first { $0.key == "technician" }!.id
            try await world.withApp { client in
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                let refused = try await admin.send(.post, "/admin/users", form: [
                    "email": "no-es-correo", "name": "", "roles": technician.description, "accessLevel": "3",
                    "language": "es", "timeZone": "America/Lima", "active": "on", "password": "corta"])
                #expect(refused.status == .unprocessableContent)
                let html = String(buffer: refused.body)
                #expect(html.contains("«Contraseña» necesita al menos 10 caracteres."))
                let made = try await admin.send(.post, "/admin/users", form: [
                    "email": "tecnica@demo.test", "name": "Técnica Lima", "roles": technician.description, "accessLevel": "3",
                    "language": "en", "timeZone": "America/Lima", "active": "on", "password": "una-clave-larga"])
                #expect(made.status == .seeOther)
                var technicianBrowser = Browser(client: client)
                #expect(try await technicianBrowser.login("tecnica@demo.test", "una-clave-larga").status == .seeOther)
                let page = String(buffer: try await technicianBrowser.send(.get, "/clients").body)
                #expect(page.contains("Clients") && !page.contains("New client"))
                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                #expect(try await seller.send(.get, "/admin/users").status == .forbidden)
                #expect(try await seller.send(.get, "/admin").status == .forbidden)
            }
        }
    }

    @Test("a custom field added by the admin appears on the client form and is validated there")
    func customField() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            try await world.withApp { client in
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                let added = try await admin.send(.post, "/admin/custom-fields", form: [
                    "labelEs": "Número de medidor", "labelEn": "Meter number", "type": "integer", "required": "on"])
                #expect(added.status == .seeOther)
                let form = String(buffer: try await admin.send(.get, "/clients/new").body)
                #expect(form.contains("name=\"cf_numero_de_medidor\""))
                let refused = try await admin.send(.post, "/clients", form: ["legalName": "Con medidor", "cf_numero_de_medidor": "doce"])
                #expect(refused.status == .unprocessableContent)
                #expect(String(buffer: refused.body).contains("«Número de medidor» debe ser un número entero."))
                let saved = try await admin.send(.post, "/clients", form: ["legalName": "Con medidor", "cf_numero_de_medidor": "12"])
                #expect(saved.status == .seeOther)
            }
            let found = try await world.fixture.stores.clients.list(ClientQuery(search: "medidor"), scope: .all).clients
            #expect(found.map(\.draft.customFields["numero_de_medidor"]) == [.integer(12)])
        }
    }
}
