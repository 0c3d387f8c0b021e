import CarteraCore
@testable import CarteraStore
import Foundation
import Testing

@Suite("Client rows' JSON read without JSONDecoder, with the same answers")
struct FlatJSONTests {
    @Test("lists of strings and flat custom field objects, as SQLite and PostgreSQL store them")
    func sameAsJSONDecoder() throws {
        for text in [#"[]"#, #"["a@b.example"]"#, #"["+54 9 11 5555-1234", "Peña ñandú"]"#, #" [ "x" , "y" ] "#] {
            #expect(FlatJSON.strings(text) == (try JSONDecoder().decode([String].self, from: Data(text.utf8))), "\(text)")
        }
        for text in [#"{}"#, #"{"rubro":"Ferretería","cantidad_de_equipos":12,"cliente_vip":true}"#,
                     #"{"a": -3, "b": false, "c": "x y"}"#, #"{"n":9223372036854775807}"#] {
            #expect(FlatJSON.fields(text) == (try JSONDecoder().decode([String: CustomFieldValue].self, from: Data(text.utf8))), "\(text)")
        }
    }

    @Test("what it does not expect is left to JSONDecoder")
    func declines() {
        for text in [#"["a\"b"]"#, #"["a",]"#, #"[1]"#, #"["a"] x"#, #"["a"#, ""] {
            #expect(FlatJSON.strings(text) == nil, "\(text)")
        }
        for text in [#"{"a":1.5}"#, #"{"a":null}"#, #"{"a":{"b":1}}"#, #"{"a":"\u00f1"}"#, #"{"a":1e3}"#,
                     #"{"a":99999999999999999999}"#, #"{"a":tru}"#, #"{"a":1"#] {
            #expect(FlatJSON.fields(text) == nil, "\(text)")
        }
    }

    @Test("lists of strings and audit changes are written as JSONEncoder writes them")
    func writesAsJSONEncoder() {
        func encoded(_ value: some Encodable) -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try! encoder.encode(value), as: UTF8.self)
        }
        let awkward = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }
            + ["", "a@b.example", "Peña ñandú", "say \"hi\"", "back\\slash", "a/b", "🙂 \u{7F} \u{2028}"]
        #expect(awkward.jsonString() == encoded(awkward))
        #expect([String]().jsonString() == encoded([String]()))
        let changes = [AuditChange(field: "legalName", before: nil, after: "Peña \"SA\""),
                       AuditChange(field: "city", before: "Lima\n", after: nil), AuditChange(field: "x", before: nil, after: nil)]
        #expect(changes.jsonString() == encoded(changes))
        #expect([AuditChange]().jsonString() == encoded([AuditChange]()))
        let fields: [String: CustomFieldValue] = [
            "rubro": .text("Ferretería \"Peña\"\n"), "cantidad_de_equipos": .integer(-12), "cliente_vip": .bool(true),
            "Zona": .text("a/b"), "a10": .bool(false), "a9": .integer(Int64.max), "ñandú": .text(""), "_x": .text("🙂"), "B": .integer(0)]
        #expect(fields.flatJSONString() == encoded(fields))
        #expect([String: CustomFieldValue]().flatJSONString() == encoded([String: CustomFieldValue]()))
        #expect(["a": .text("x"), "b": .decimal(1.5)].flatJSONString() == nil, "a decimal is left to the encoder")
    }

    @Test("a new client's audit changes made ahead, number filled in later, are the changes of the client with its number")
    func creationChanges() {
        let drafts = [
            ClientDraft(legalName: "Peña \"SA\""),
            ClientDraft(legalName: "Zeta", taxID: "20-1", address: Address(street: "Calle", city: "Lima"), latitude: -12.5,
                        emails: ["a@b.example"], phones: ["+51 1 555 1234"], description: "línea\nsegunda",
                        customFields: ["rubro": .text("Agro"), "vip": .bool(true)]),
        ]
        for draft in drafts {
            for number: Int64 in [1, 42, 1_000_000] {
                #expect(CreationChanges(draft).json(number: number)
                        == AuditLog.diff([:], ClientStore.flatten(number: number, draft)).jsonString(), "\(draft.legalName) \(number)")
            }
        }
    }
}
