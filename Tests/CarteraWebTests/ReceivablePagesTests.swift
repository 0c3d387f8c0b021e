import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Receivables and notices in the browser")
struct ReceivablePagesTests {
    @Test("invoices added on the client's page, notice settings with the default texts, downloads that import back unchanged, scope kept")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            try await world.withApp { client in
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                let base = "/clients/\(world.south.id)/receivables"
                let page = String(buffer: try await admin.send(.get, base).body)
                #expect(page.contains("Estimado cliente {cliente}") && page.contains("value=\"ARS\""))   // defaults offered, company currency
                let bad = try await admin.send(.post, base, form: ["number": "A-1", "issueDate": "2026-09-01", "dueDate": "2026-08-01",
                                                                   "currency": "ARS", "amount": "mil"])
                let badPage = String(buffer: bad.body)
                #expect(bad.status == .unprocessableContent && badPage.contains("«Importe»") && badPage.contains("value=\"A-1\""))
                #expect(try await admin.send(.post, base, form: ["number": "A-1", "issueDate": "2026-09-01", "dueDate": "2026-10-01",
                                                                 "currency": "ARS", "amount": "1.234,50"]).status == .seeOther)
                let listed = String(buffer: try await admin.send(.get, base).body)
                #expect(listed.contains("A-1") && listed.contains("1.234,50 ARS"))
                let invoice = try #require(try await f.stores.receivables.list(by: f.admin).first?.receivable)
                #expect(invoice.draft.balance.minor == 123_450)   // an empty balance is the whole amount

                let reminder = try #require(try await f.stores.notices.concepts().first { $0.kind == .beforeDue })
                let unknown = try await admin.send(.post, "/clients/\(world.south.id)/notice-settings", form: [
                    "version": "0", "active": "on", "subject": "Aviso", "reminderConceptId": "\(reminder.id)", "reminderBody": "Debe {monto}",
                    "afterDueBody": ""])
                #expect(unknown.status == .unprocessableContent && String(buffer: unknown.body).contains("no existe el dato {monto}"))
                let saved = try await admin.send(.post, "/clients/\(world.south.id)/notice-settings", form: [
                    "version": "0", "active": "on", "subject": "Factura {factura}", "reminderConceptId": "\(reminder.id)",
                    "reminderBody": "Vence el {vencimiento}", "afterDueBody": "", "contactIds": "\(world.southContact.id)"])
                #expect(saved.status == .seeOther, "\(String(buffer: saved.body).components(separatedBy: "role=\"alert\"").dropFirst().prefix(3))")
                let settings = try #require(try await f.stores.notices.settings(clientID: world.south.id, by: f.admin))
                #expect(settings.active && settings.subject == "Factura {factura}" && settings.contactIDs == [world.southContact.id])

                // The download reads back as "unchanged"; a paid invoice is marked through the edit page, with its version.
                let csv = String(buffer: try await admin.send(.get, "/receivables/export?format=csv&open=0&bom=0").body)
                #expect(csv.contains("\(world.south.clientNumber);Panadería del Sur;A-1;2026-09-01;2026-10-01;ARS;1234.5;1234.5;No"))
                let again = try await admin.upload("/receivables/import", csv: csv, fields: ["commit": "1"])
                #expect(again.status == .ok && String(buffer: again.body).contains("Importado: 0 nuevos, 0 actualizados, 1 sin cambios."))
                #expect(try await admin.send(.post, "/receivables/\(invoice.id)", form: [
                    "version": "\(invoice.version)", "number": "A-1", "issueDate": "2026-09-01", "dueDate": "2026-10-01", "currency": "ARS",
                    "amount": "1.234,50", "balance": "0", "paid": "on"]).status == .seeOther)
                #expect(String(buffer: try await admin.send(.get, "/receivables?open=1").body).contains("No hay facturas."))

                // Concepts in administration.
                #expect(try await admin.send(.post, "/admin/notice-concepts", form: ["description": "Último aviso", "days": "30",
                                                                                     "kind": "after_due"]).status == .seeOther)
                #expect(String(buffer: try await admin.send(.get, "/admin/notice-concepts").body).contains("Último aviso"))

                // The seller sees only the north: not these invoices, not this client's page.
                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                #expect(try await seller.send(.get, base).status == .notFound)
                #expect(try await seller.send(.get, "/receivables/\(invoice.id)").status == .notFound)
                #expect(!String(buffer: try await seller.send(.get, "/receivables?open=0").body).contains("A-1"))
                let sellerCSV = String(buffer: try await seller.send(.get, "/receivables/export?format=csv&open=0&bom=0").body)
                #expect(sellerCSV.hasPrefix("N.º;") && !sellerCSV.contains("A-1"))
                #expect(try await seller.send(.get, "/admin/notice-concepts").status == .forbidden)
            }
        }
    }

    @Test("an ERP pushes invoices and payments through the API; notice settings are read and replaced with If-Match; the scope holds")
    func api() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let (_, erpToken) = try await f.stores.tokens.create(userID: f.admin.id, name: "erp")
            let (_, sellerToken) = try await f.stores.tokens.create(userID: world.seller.id, name: "t")
            try await world.withApp { client in
                var headers: HTTPFields = [.authorization: "Bearer \(erpToken)", .contentType: "application/json"]
                let invoice = """
                    {"clientId": \(world.south.id), "number": "A-0001-00000077", "issueDate": "2026-09-01", "dueDate": "2026-10-01", "amountMinor": 150000}
                    """
                let made = try await client.execute(uri: "/api/v1/receivables", method: .post, headers: headers, body: ByteBuffer(string: invoice))
                let made_ = String(buffer: made.body)
                #expect(made.status == .created && made_.contains("\"balanceMinor\":150000") && made_.contains("\"currency\":\"ARS\""))
                let twice = try await client.execute(uri: "/api/v1/receivables", method: .post, headers: headers, body: ByteBuffer(string: invoice))
                #expect(twice.status == .unprocessableContent && String(buffer: twice.body).contains("\"number\""))
                let bad = try await client.execute(uri: "/api/v1/receivables", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"number": "X", "issueDate": "2026-13-01", "dueDate": "2026-10-01"}
                    """))
                let bad_ = String(buffer: bad.body)
                #expect(bad.status == .unprocessableContent && bad_.contains("clientId") && bad_.contains("issueDate") && bad_.contains("amountMinor"))
                let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: made.body)) as? [String: Any])?["id"] as? Int)
                let found = String(buffer: try await client.execute(uri: "/api/v1/receivables?number=a-0001-00000077&open=true", method: .get,
                                                                    headers: headers).body)
                #expect(found.contains("\"id\":\(id)"))
                headers[.ifMatch] = "\"1\""
                let paid = try await client.execute(uri: "/api/v1/receivables/\(id)", method: .patch, headers: headers,
                                                    body: ByteBuffer(string: "{\"balanceMinor\": 0, \"paid\": true}"))
                #expect(paid.status == .ok && String(buffer: paid.body).contains("\"paid\":true") && paid.headers[.eTag] == "\"2\"")
                #expect(try await client.execute(uri: "/api/v1/receivables/\(id)", method: .patch, headers: headers,
                                                 body: ByteBuffer(string: "{\"paid\": false}")).status == .preconditionFailed)
                #expect(!String(buffer: try await client.execute(uri: "/api/v1/receivables?open=true", method: .get, headers: headers).body)
                    .contains("\"id\":\(id)"))

                let settingsURI = "/api/v1/clients/\(world.south.id)/notice-settings"
                let fresh = try await client.execute(uri: settingsURI, method: .get, headers: headers)
                #expect(fresh.status == .ok && fresh.headers[.eTag] == "\"0\"" && String(buffer: fresh.body).contains("\"active\":false"))
                let concept = try #require(try await f.stores.notices.concepts().first { $0.kind == .beforeDue })
                let body = """
                    {"active": true, "subject": "Factura {factura}", "contactIds": [], "reminderConceptId": \(concept.id), "afterDueEnabled": false,
                     "afterDueConceptId": null, "reminderBody": "Vence el {vencimiento}", "afterDueBody": "", "consolidated": false}
                    """
                headers[.ifMatch] = "\"0\""
                let put = try await client.execute(uri: settingsURI, method: .put, headers: headers, body: ByteBuffer(string: body))
                #expect(put.status == .ok && put.headers[.eTag] == "\"1\"")
                #expect(try await client.execute(uri: settingsURI, method: .put, headers: headers, body: ByteBuffer(string: body)).status
                        == .preconditionFailed)

                let seller: HTTPFields = [.authorization: "Bearer \(sellerToken)", .contentType: "application/json"]
                #expect(try await client.execute(uri: "/api/v1/receivables/\(id)", method: .get, headers: seller).status == .notFound)
                #expect(try await client.execute(uri: settingsURI, method: .get, headers: seller).status == .notFound)
                #expect(!String(buffer: try await client.execute(uri: "/api/v1/receivables", method: .get, headers: seller).body).contains("A-0001"))
            }
        }
    }
}
