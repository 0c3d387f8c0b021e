import CarteraCore
import CarteraStore
import CarteraTestSupport
import CarteraWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// U+0000 in input: PostgreSQL's text cannot hold it, so a statement carrying one failed (a 500 the
/// API's fuzzing found on PostgreSQL only). JSON bodies are refused naming the field; forms and
/// query strings drop it.
@Suite("U+0000 in input")
struct NulCharacterTests {
    @Test("a JSON body with \\u0000 in any string is a 422 naming that field, and nothing is written")
    func json() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let (_, token) = try await world.fixture.stores.tokens.create(userID: world.fixture.admin.id, name: "test")
            let before = try await world.fixture.stores.clients.list(ClientQuery(), scope: .all).clients.count
            try await world.withApp { client in
                let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json", .acceptLanguage: "es"]
                let made = try await client.execute(uri: "/api/v1/clients", method: .post, headers: headers,
                                                    body: ByteBuffer(string: #"{"legalName": "Ferre\u0000tería"}"#))
                let answer = try Self.invalidFields(made)
                #expect(made.status == .unprocessableContent)
                #expect(answer.first?["name"] == "legalName" && answer.first?["code"] == "invalid_character")
                #expect(answer.first?["detail"]?.contains("U+0000") == true)
                let kind = try await client.execute(uri: "/api/v1/asset-kinds", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"name": "Caldera", "fields": [{"labelEs": "Marca", "type": "text"}, {"labelEs": "Potencia", "labelEn": "Po\\u0000wer", "type": "text"}]}
                    """))
                #expect(kind.status == .unprocessableContent)
                #expect(try Self.invalidFields(kind).first?["name"] == "fields.1.labelEn")
                // An escaped backslash before "u0000" is text, not the character.
                let text = try await client.execute(uri: "/api/v1/clients", method: .post, headers: headers,
                                                    body: ByteBuffer(string: #"{"legalName": "Ruta C:\\u0000"}"#))
                #expect(text.status == .created)
                #expect(String(buffer: text.body).contains(#"Ruta C:\\u0000"#))
            }
            let after = try await world.fixture.stores.clients.list(ClientQuery(), scope: .all).clients.map(\.draft.legalName)
            #expect(after.count == before + 1 && after.contains(#"Ruta C:\u0000"#))
            #expect(try await world.fixture.stores.assetKinds.kinds().isEmpty)
        }
    }

    @Test("%00 in a form or a query string is dropped, not sent to the database")
    func forms() async throws {
        #expect(FormData("legalName=Ferre%00ter%C3%ADa&city=%00")["legalName"] == "Ferretería")
        #expect(FormData("legalName=Ferre%00ter%C3%ADa&city=%00").text("city") == nil)
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let (_, token) = try await world.fixture.stores.tokens.create(userID: world.fixture.admin.id, name: "test")
            try await world.withApp { client in
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                let page = try await admin.send(.get, "/clients?city=%00&q=Norte%00")
                #expect(page.status == .ok && String(buffer: page.body).contains("Ferretería del Norte"))
                let api = try await client.execute(uri: "/api/v1/clients?city=%00", method: .get,
                                                   headers: [.authorization: "Bearer \(token)"])
                let listed = String(buffer: api.body)
                #expect(api.status == .ok && listed.contains("Panadería del Sur") && listed.contains("Ferretería del Norte"))
            }
        }
    }

    static func invalidFields(_ response: TestResponse) throws -> [[String: String]] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return object?["invalidFields"] as? [[String: String]] ?? []
    }
}
