import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Equipment in the browser and the API")
struct AssetPagesTests {
    @Test("the admin defines a kind and its fields; an asset added from the card checks its values, is found on the panel and downloads")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            try await world.withApp { client in
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                #expect(try await admin.send(.post, "/admin/asset-kinds", form: ["name": "Aire acondicionado"]).status == .seeOther)
                let kind = try #require(try await world.fixture.stores.assetKinds.kinds().first)
                let base = "/admin/asset-kinds/\(kind.id)"
                #expect(try await admin.send(.post, base + "/fields", form: ["version": "1", "labelEs": "Marca", "labelEn": "Brand",
                                                                            "type": "choice", "choices": "Surrey\nCarrier", "required": "on"]).status == .seeOther)
                #expect(try await admin.send(.post, base + "/fields", form: ["version": "2", "labelEs": "Instalado el", "type": "date"]).status == .seeOther)
                let stale = try await admin.send(.post, base + "/fields", form: ["version": "2", "labelEs": "Modelo", "type": "text"])
                #expect(stale.status == .conflict)

                let form = String(buffer: try await admin.send(.get, "/clients/\(world.north.id)/assets/new?kind=\(kind.id)").body)
                #expect(form.contains("name=\"f_marca\"") && form.contains("<option value=\"Carrier\"") && form.contains("name=\"f_instalado_el\" type=\"date\""))
                let bad = try await admin.send(.post, "/clients/\(world.north.id)/assets", form: [
                    "kindId": "\(kind.id)", "name": "Split sala", "f_marca": "", "f_instalado_el": "14/03/2025"])
                let badPage = String(buffer: bad.body)
                #expect(bad.status == .unprocessableContent && badPage.contains("«Marca»") && badPage.contains("«Instalado el»")
                        && badPage.contains("value=\"Split sala\""))
                let saved = try await admin.send(.post, "/clients/\(world.north.id)/assets", form: [
                    "kindId": "\(kind.id)", "name": "Split sala", "serial": "SR-4471", "f_marca": "Surrey", "f_instalado_el": "2025-03-14"])
                #expect(saved.status == .seeOther)
                let card = String(buffer: try await admin.send(.get, "/clients/\(world.north.id)").body)
                #expect(card.contains("Split sala") && card.contains("Marca: Surrey"))
                let panel = String(buffer: try await admin.send(.get, "/assets?q=surrey").body)
                #expect(panel.contains("Split sala") && panel.contains("Ferretería del Norte"))
                #expect(!String(buffer: try await admin.send(.get, "/assets?q=carrier").body).contains("Split sala"))
                let csv = String(buffer: try await admin.send(.get, "/assets/export?format=csv&kind=\(kind.id)&bom=0").body)
                #expect(csv.hasPrefix("Tipo de equipo;Nombre;N.º de serie;N.º;Razón social;Marca;Instalado el;Archivado"))
                #expect(csv.contains("Aire acondicionado;Split sala;SR-4471;\(world.north.clientNumber);Ferretería del Norte;Surrey;2025-03-14;No"))
                // The download imports back unchanged; a new row and a bad one are checked, then imported once fixed.
                let again = try await admin.upload("/assets/import", csv: csv, fields: ["kindId": "\(kind.id)", "commit": "1"])
                #expect(String(buffer: again.body).contains("Importado: 0 nuevos, 0 actualizados, 1 sin cambios."))
                let sheet = "N.º de cliente;Nombre;N.º de serie;Marca\n\(world.north.clientNumber);Split depósito;SR-9;Carrier\n"
                    + "\(world.south.clientNumber);Equipo ajeno;;Carrier\n\(world.north.clientNumber);Split sala;SR-4471;Otra\n"
                let checked = try await admin.upload("/assets/import", csv: sheet, fields: ["kindId": "\(kind.id)", "commit": "1"])
                let checkedPage = String(buffer: checked.body)
                #expect(checked.status == .unprocessableContent && checkedPage.contains("Fila 4: «Marca» no es una opción válida"))
                #expect(try await world.fixture.stores.assets.count(AssetQuery(), by: world.fixture.admin) == 1)
                let fixedSheet = sheet.replacingOccurrences(of: "SR-4471;Otra", with: "SR-4471;Carrier")
                let imported = try await admin.upload("/assets/import", csv: fixedSheet, fields: ["kindId": "\(kind.id)", "commit": "1"])
                #expect(String(buffer: imported.body).contains("Importado: 2 nuevos, 1 actualizados, 0 sin cambios."))
                #expect(try await world.fixture.stores.assets.list(AssetQuery(search: "SR-4471"), by: world.fixture.admin).first?.asset.draft.values["marca"] == .text("Carrier"))

                // The asset goes on an order from its page; the order names it.
                let asset = try #require(try await world.fixture.stores.assets.list(AssetQuery(search: "SR-4471"), by: world.fixture.admin).first?.asset)
                let newOrder = String(buffer: try await admin.send(.get, "/clients/\(world.north.id)/work-orders/new?asset=\(asset.id)").body)
                #expect(newOrder.contains("name=\"assetIds\" value=\"\(asset.id)\" checked"))
                #expect(try await admin.send(.post, "/clients/\(world.north.id)/work-orders", form: [
                    "priority": "normal", "description": "No enfría", "assetIds": "\(asset.id)"]).status == .seeOther)
                let assetPage = String(buffer: try await admin.send(.get, "/assets/\(asset.id)").body)
                #expect(assetPage.contains("No enfría"))

                // The seller sees the north client's asset, not one of the south client.
                _ = try await world.fixture.stores.assets.create(clientID: world.south.id, AssetDraft(
                    kindID: kind.id, name: "Equipo del sur", values: ["marca": .text("Carrier")]), by: world.fixture.admin)
                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                let mine = String(buffer: try await seller.send(.get, "/assets").body)
                #expect(mine.contains("Split sala") && !mine.contains("Equipo del sur") && !mine.contains("Equipo ajeno"))
                let theirs = String(buffer: try await seller.send(.get, "/assets/export?format=csv&bom=0").body)
                #expect(theirs.contains("Split sala") && !theirs.contains("Equipo del sur") && !theirs.contains("Equipo ajeno"))
                // The seller may not import; outside their scope a client is "not found" anyway.
                #expect(try await seller.upload("/assets/import", csv: sheet, fields: ["kindId": "\(kind.id)", "commit": "0"]).status == .forbidden)
                #expect(try await seller.send(.post, "/admin/asset-kinds", form: ["name": "Caldera"]).status == .forbidden)
            }
        }
    }

    @Test("the API makes a kind with fields and assets with typed values, patches them with If-Match, and keeps to the scope")
    func api() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let (_, adminToken) = try await f.stores.tokens.create(userID: f.admin.id, name: "test")
            let (_, sellerToken) = try await f.stores.tokens.create(userID: world.seller.id, name: "test")
            try await world.withApp { client in
                var headers: HTTPFields = [.authorization: "Bearer \(adminToken)", .contentType: "application/json"]
                // A field refused refuses the kind: nothing half made.
                let refused = try await client.execute(uri: "/api/v1/asset-kinds", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"name": "Caldera", "fields": [{"labelEs": "Marca", "type": "text"}, {"labelEs": "Gas", "type": "choice"}]}
                    """))
                #expect(refused.status == .unprocessableContent && String(buffer: refused.body).contains("fields.1.choices"))
                #expect(try await f.stores.assetKinds.kinds().isEmpty)
                let kind = try await client.execute(uri: "/api/v1/asset-kinds", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"name": "Caldera", "fields": [{"labelEs": "Potencia (kW)", "type": "decimal", "required": true}, {"labelEs": "Marca", "type": "text"}]}
                    """))
                #expect(kind.status == .created && String(buffer: kind.body).contains("\"key\":\"potencia_kw\""))
                let kindID = try #require((try JSONSerialization.jsonObject(with: Data(buffer: kind.body)) as? [String: Any])?["id"] as? Int)
                let bad = try await client.execute(uri: "/api/v1/assets", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"clientId": \(world.south.id), "kindId": \(kindID), "name": "Caldera central", "fields": {"potencia_kw": "mucha"}}
                    """))
                #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("customFields.potencia_kw"))
                let made = try await client.execute(uri: "/api/v1/assets", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"clientId": \(world.south.id), "kindId": \(kindID), "name": "Caldera central", "fields": {"potencia_kw": 24.5, "marca": "Peisa"}}
                    """))
                #expect(made.status == .created && String(buffer: made.body).contains("\"potencia_kw\":24.5"))
                let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: made.body)) as? [String: Any])?["id"] as? Int)
                headers[.ifMatch] = "\"1\""
                let patched = try await client.execute(uri: "/api/v1/assets/\(id)", method: .patch, headers: headers,
                                                       body: ByteBuffer(string: "{\"fields\": {\"marca\": null}, \"archived\": true}"))
                let body = String(buffer: patched.body)
                #expect(patched.status == .ok && body.contains("\"archived\":true") && !body.contains("Peisa") && body.contains("24.5"))
                #expect(try await client.execute(uri: "/api/v1/assets/\(id)", method: .patch, headers: headers,
                                                 body: ByteBuffer(string: "{\"name\": \"x\"}")).status == .preconditionFailed)
                let sellerHeaders: HTTPFields = [.authorization: "Bearer \(sellerToken)"]
                #expect(try await client.execute(uri: "/api/v1/assets/\(id)", method: .get, headers: sellerHeaders).status == .notFound)
                let listed = String(buffer: try await client.execute(uri: "/api/v1/assets?archived=all&q=peisa", method: .get, headers: headers).body)
                #expect(!listed.contains("Caldera central"))   // "Peisa" was removed from its words
                #expect(String(buffer: try await client.execute(uri: "/api/v1/assets?archived=archived", method: .get, headers: headers).body)
                    .contains("Caldera central"))
            }
        }
    }
}
