import CarteraCore
@testable import CarteraWeb
import Mustache
import Testing

@Suite("View models reach compiled templates as TemplateValues")
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

    @Test("a compiled template renders an encoded model exactly as swift-mustache renders the struct itself")
    func sameOutput() throws {
        let source = """
            <h1>{{title}}</h1>{{#note}}<p>{{note}}</p>{{/note}}{{^note}}<p>none</p>{{/note}}
            {{#items}}<a{{#url}} href="{{url}}"{{/url}}>{{name}} {{count}}{{#on}} on{{/on}} {{title}}</a>{{/items}}
            {{#tags}}[{{.}}]{{/tags}}{{^empty}}no items{{/empty}} {{ratio}} <i>{{missing}}</i>
            """
        let model = Model(title: "A & <b>", note: nil,
                          items: [Item(name: "Peña", url: "/x?a=1&b=2", count: 3, on: true), Item(name: "B", url: nil, count: 0, on: false)],
                          tags: ["uno", "dos"], empty: [], ratio: 0.5)
        let compiled = TemplateSet(templates: ["page": try CompiledTemplate(source)])
        let rendered = compiled.render("page", try TemplateEncoder.encode(model))
        #expect(rendered == (try MustacheTemplate(string: source)).render(model))
        #expect(rendered?.contains(#"<a href="/x?a=1&amp;b=2">Peña 3 on A &amp; &lt;b&gt;</a>"#) == true)
    }

    @Test("fields are found by name, the last of a name wins, scanned or past the scan's limit")
    func fieldsLookup() {
        for count in [3, TemplateFields.scanned, TemplateFields.scanned + 6] {
            var fields = TemplateFields(capacity: count)
            for n in 0..<count { fields.append("f\(n)", .integer(Int64(n))) }
            fields.append("f1", .text("again"))
            #expect(fields["f0"] == .integer(0) && fields["f\(count - 1)"] == .integer(Int64(count - 1)), "\(count)")
            #expect(fields["f1"] == .text("again") && fields["missing"] == nil && fields.dictionary.count == count, "\(count)")
        }
        let present = TemplateFields(present: ["a": .integer(1), "gone": nil, "a": .integer(2), "b": .bool(true)])
        #expect(present["a"] == .integer(2) && present["gone"] == nil && present["b"] == .bool(true))
        #expect(present.dictionary == ["a": .integer(2), "b": .bool(true)])
    }

    @Test("view models that build their own value give what encoding their fields gives")
    func directValuesMatchEncoding() throws {
        var writer = HTMLWriter()
        writer.markup("<tr><td>")
        writer.text("Peña & Cía")
        writer.markup("</td></tr>")
        let rows = writer.fragment
        #expect(rows.templateValue == (try TemplateEncoder.encode(rows)))
        let nav = [Chrome.NavItem(href: "/clients", label: "Clientes & más", active: true), .init(href: "/map", label: "Mapa", active: false)]
        for flash in ["Guardado", nil] {
            let chrome = Chrome(lang: "es", title: "Clientes", userName: "Ana <admin>", csrf: "abc", nav: nav, flash: flash,
                                otherLanguage: "en", otherLanguageLabel: "English", back: "/clients?q=pena&page=2")
            #expect(chrome.templateValue == (try TemplateEncoder.encodeFields(chrome)), "flash: \(flash ?? "none")")
        }
        for item in nav { #expect(item.templateValue == (try TemplateEncoder.encodeFields(item))) }
        for option in Option.list([(EntityID<ClientGroup>(7), "Norte")], selected: "7") {
            #expect(option.templateValue == (try TemplateEncoder.encodeFields(option)))
        }
        let options = Option.list([(EntityID<ClientGroup>(7), "Norte")], selected: "7")
        let filters = [ClientListPage.FilterInput(name: "f_city", label: "Ciudad", value: "Córdoba")]
        for (full, page) in [true, false].map({ full in
            (full, ClientListPage(
                q: full ? "pena" : "", totalText: "27 clientes", countAllURL: full ? "/clients?count=all" : nil,
                broadSearch: full ? "Más de 1.000" : nil,
                headers: [.init(label: "Nombre", sortURL: full ? "/clients?sort=name" : nil, sortState: full ? "ascending" : nil)],
                rows: full ? rows : HTMLFragment(), empty: !full, pageText: "Página 1", previousURL: full ? "/clients?page=1" : nil,
                nextURL: full ? "/clients?page=3" : nil, columns: [.init(key: "city", label: "Ciudad", checked: full)],
                advancedOpen: full, types: options, groups: full ? options : [], branches: options, agents: options,
                collectors: options, archived: options, coords: options, textFilters: filters, customFilters: full ? filters : [],
                canCreate: full, canImport: !full, canReassign: full, hidden: full ? filters : [],
                exportXLSX: full ? "/clients/export?format=xlsx" : nil, exportCSV: full ? "/clients/export?format=csv" : nil))
        }) {
            #expect(page.templateValue == (try TemplateEncoder.encodeFields(page)), "full: \(full)")
        }
    }
}

@Suite("Markup in templates")
struct MarkupTests {
    @Test("markup prints as it was written; its values were escaped by the writer, text beside it by the template")
    func markupAsWritten() throws {
        var writer = HTMLWriter()
        writer.markup("<td>")
        writer.text(#"<b>Peña</b> & "Cía" O'Brien"#)
        writer.markup("</td>")
        let set = TemplateSet(templates: ["page": try CompiledTemplate("<tr>{{cells}}</tr>{{note}}")])
        let page = set.render("page", .object(["cells": .markup(writer.fragment), "note": .text("<i>")]))
        #expect(page == "<tr><td>&lt;b&gt;Peña&lt;/b&gt; &amp; &quot;Cía&quot; O&#39;Brien</td></tr>&lt;i&gt;")
    }
}
