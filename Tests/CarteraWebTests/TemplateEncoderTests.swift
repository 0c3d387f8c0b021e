@testable import CarteraWeb
import Mustache
import Testing

@Suite("View models reach templates as dictionaries")
struct TemplateEncoderTests {
    struct Item: Encodable { let name: String; let url: String?; let count: Int; let on: Bool }
    struct Model: Encodable {
        let title: String
        let note: String?
        let items: [Item]
        let tags: [String]
        let empty: [Item]
        let ratio: Double
    }

    @Test("a template renders an encoded model exactly as it renders the struct itself")
    func sameOutput() throws {
        let template = try MustacheTemplate(string: """
            <h1>{{title}}</h1>{{#note}}<p>{{note}}</p>{{/note}}{{^note}}<p>none</p>{{/note}}
            {{#items}}<a{{#url}} href="{{url}}"{{/url}}>{{name}} {{count}}{{#on}} on{{/on}} {{title}}</a>{{/items}}
            {{#tags}}[{{.}}]{{/tags}}{{^empty}}no items{{/empty}} {{ratio}} <i>{{missing}}</i>
            """)
        let model = Model(title: "A & <b>", note: nil,
                          items: [Item(name: "Peña", url: "/x?a=1&b=2", count: 3, on: true), Item(name: "B", url: nil, count: 0, on: false)],
                          tags: ["uno", "dos"], empty: [], ratio: 0.5)
        let encoded = try TemplateEncoder.encode(model)
        #expect(encoded is [String: Any])
        #expect(template.render(encoded) == template.render(model))
        #expect(template.render(encoded).contains(#"<a href="/x?a=1&amp;b=2">Peña 3 on A &amp; &lt;b&gt;</a>"#))
    }
}
