import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// Digital forms in the browser: templates in administration (written as lines,
/// each save a new version), filling one at a client or on a work order on a
/// phone-sized screen, and the saved form (printable, with its item prices).
struct FormsController {
    let env: WebEnvironment
    let clients: ClientsController

    /// Item lines offered on a form without JavaScript.
    static let itemLines = 6

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.formTemplates.route) { request, context in try await self.templates(request, context) }
        group.post(SiteURL.formTemplates.route) { request, context in try await self.saveTemplate(request, context, id: nil) }
        group.get("/admin/forms/:template") { request, context in try await self.templatePage(request, context) }
        group.post("/admin/forms/:template") { request, context in
            try await self.saveTemplate(request, context, id: FormTemplate.ID(string: context.parameters.get("template")))
        }
        group.get("/clients/:id/forms/new") { request, context in try await self.newForm(request, context) }
        group.post("/clients/:id/forms") { request, context in try await self.fill(request, context) }
        group.get("/forms/:form") { request, context in try await self.page(request, context) }
    }

    // MARK: Templates

    struct TemplatesPage: Encodable {
        struct Row: Encodable { let url: String; let name: String; let versionLabel: String; let active: Bool }
        let rows: [Row]
        let name: String
        let definition: String
        let errors: [String]
        let help: String
    }

    struct TemplatePage: Encodable {
        let name: String
        let active: Bool
        let version: Int64
        let action: String
        let definition: String
        let versionLabel: String
        let errors: [String]
    }

    func templates(_ request: Request, _ context: SignedInContext, form: FormData? = nil, errors: [String] = [],
                   status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        let t = env.t(context.language)
        let rows = try await env.stores.forms.templates().map {
            TemplatesPage.Row(url: SiteURL.formTemplate($0.id).path, name: $0.name,
                              versionLabel: env.translator.text("form_version", context.language, ["number": String($0.currentVersion.number)]),
                              active: $0.active)
        }
        return try env.render("admin-forms", request, context, title: t["admin_forms"] ?? "", section: .admin,
                              TemplatesPage(rows: rows, name: form?["name"] ?? "", definition: form?["definition"] ?? "", errors: errors,
                                            help: t["form_definition_help"] ?? ""), status: status)
    }

    func templatePage(_ request: Request, _ context: SignedInContext, form: FormData? = nil, errors: [String] = [], version: Int64? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        try context.require(.manageSettings)
        guard let id = FormTemplate.ID(string: context.parameters.get("template")),
              let template = try await env.stores.forms.template(id) else { throw StoreError.notFound }
        let tables = try await env.stores.masterData.tables()
        let page = TemplatePage(name: form?["name"] ?? template.name, active: form.map { $0.bool("active") } ?? template.active,
                                version: version ?? template.version, action: SiteURL.formTemplate(id).path,
                                definition: form?["definition"] ?? template.currentVersion.definition.text(tables: tables),
                                versionLabel: env.translator.text("form_version", context.language,
                                                                  ["number": String(template.currentVersion.number)]),
                                errors: errors)
        return try env.render("admin-form", request, context, title: template.name, section: .admin, page, status: status)
    }

    func saveTemplate(_ request: Request, _ context: SignedInContext, id: FormTemplate.ID?) async throws -> Response {
        try context.require(.manageSettings)
        let form = try await FormData.from(request)
        let tables = try await env.stores.masterData.tables()
        do {
            let definition = try FormDefinition.parse(form["definition"] ?? "", tables: tables)
            let saved = if let id {
                try await env.stores.forms.updateTemplate(id, name: form["name"] ?? "", active: form.bool("active"), definition: definition,
                                                          expectedVersion: Int64(form["version"] ?? "") ?? 0, by: context.viewer)
            } else {
                try await env.stores.forms.createTemplate(name: form["name"] ?? "", definition: definition, by: context.viewer)
            }
            return redirect(to: SiteURL.formTemplate(saved.id).path, flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            let errors = env.messages(failure, context.language).list
            if id == nil { return try await templates(request, context, form: form, errors: errors, status: .unprocessableContent) }
            return try await templatePage(request, context, form: form, errors: errors, status: .unprocessableContent)
        } catch StoreError.versionConflict(let current) {
            return try await templatePage(request, context, form: form, errors: [env.translator.text("conflict_reload", context.language)],
                                          version: current, status: .conflict)
        }
    }

    // MARK: Filling

    struct FillPage: Encodable {
        struct Input: Encodable {
            let name: String
            let label: String
            let required: Bool
            let value: String
            let error: String?
            let inputType: String
            let isLongText: Bool
            let isCheckbox: Bool
            let checked: Bool
            let isChoice: Bool
            let isItem: Bool
            let isAsset: Bool
            let isNumber: Bool
            let options: [Option]
            let lines: [Line]
            let datalist: String
        }
        struct Line: Encodable { let index: Int; let codeName: String; let quantityName: String; let code: String; let quantity: String }
        struct Section: Encodable { let title: String; let inputs: [Input] }
        struct ItemChoice: Encodable { let code: String; let label: String }
        struct ItemList: Encodable { let id: String; let items: [ItemChoice] }
        let title: String
        let clientName: String
        let clientURL: String
        let orderLabel: String?
        let action: String
        let templateID: String
        let orderID: String
        let priceLists: [Option]
        let hasPriceLists: Bool
        let sections: [Section]
        let itemLists: [ItemList]
        let errors: [String]
        let hasErrors: Bool
    }

    func newForm(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let query = FormData.query(request)
        return try await renderFill(request, context, client: client, templateID: query["template"], orderID: query["order"], form: nil,
                                    errors: .none)
    }

    func fill(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = try await FormData.from(request)
        guard let templateID = FormTemplate.ID(string: form["templateId"]),
              let template = try await env.stores.forms.template(templateID) else {
            throw ValidationFailure([FieldError("templateId", "unknown_reference")])
        }
        var inputs: [String: FormInput] = [:]
        for field in template.currentVersion.definition.fields {
            if field.type == .item {
                inputs[field.key] = .items((0..<Self.itemLines).map {
                    .init(code: form["f_\(field.key)_code_\($0)"] ?? "", quantity: form["f_\(field.key)_qty_\($0)"] ?? "")
                })
            } else {
                inputs[field.key] = .text(form["f_" + field.key] ?? "")
            }
        }
        do {
            let saved = try await env.stores.forms.fill(clientID: client.id, templateID: templateID,
                                                        workOrderID: WorkOrder.ID(string: form["orderId"]),
                                                        priceListID: PriceList.ID(string: form["priceListId"]), inputs: inputs, by: context.viewer)
            return redirect(to: SiteURL.form(saved.id).path, flash: env.translator.text("flash_form_saved", context.language))
        } catch let failure as ValidationFailure {
            let errors = env.messages(failure, context.language) { field in
                template.currentVersion.definition.fields.first { "answers.\($0.key)" == field }?.label
            }
            return try await renderFill(request, context, client: client, templateID: form["templateId"], orderID: form["orderId"], form: form,
                                        errors: errors, status: .unprocessableContent)
        }
    }

    func renderFill(_ request: Request, _ context: SignedInContext, client: Client, templateID: String?, orderID: String?, form: FormData?,
                    errors: FormErrors, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let id = FormTemplate.ID(string: templateID), let template = try await env.stores.forms.template(id), template.active else {
            throw ValidationFailure([FieldError("templateId", "unknown_reference")])
        }
        let order = try await WorkOrder.ID(string: orderID).asyncMap { try await env.stores.workOrders.order($0, by: context.viewer) }
        async let lists = env.stores.masterData.priceLists()
        async let assets = env.stores.assets.list(AssetQuery(clientID: client.id, limit: 200), by: context.viewer)
        let definition = template.currentVersion.definition
        var itemLists: [FillPage.ItemList] = []
        // One datalist per master table the form uses: codes with their descriptions, suggested while typing.
        for tableID in Set(definition.fields.compactMap(\.tableID)) {
            let items = try await env.stores.masterData.items(tableID, limit: 500)
            itemLists.append(.init(id: "items-\(tableID)", items: items.map { .init(code: $0.item.draft.code, label: $0.item.draft.description) }))
        }
        let assetOptions = try await assets.map { ($0.asset.id, "\($0.asset.draft.name) (\($0.kindName))") }
        let sections = definition.sections.map { section in
            FillPage.Section(title: section.title, inputs: section.fields.map { field in
                let name = "f_" + field.key
                let value = form?[name] ?? ""
                let lines = field.type != .item ? [] : (0..<Self.itemLines).map { index in
                    FillPage.Line(index: index + 1, codeName: "\(name)_code_\(index)", quantityName: "\(name)_qty_\(index)",
                                  code: form?["\(name)_code_\(index)"] ?? "", quantity: form?["\(name)_qty_\(index)"] ?? "")
                }
                let options: [Option] = switch field.type {
                case .choice: [Option(value: "", label: "—", selected: value.isEmpty)] + field.choices.map { Option(value: $0, label: $0, selected: $0 == value) }
                case .asset: Option.list(assetOptions, selected: value)
                default: []
                }
                return FillPage.Input(
                    name: name, label: field.label, required: field.required, value: value, error: errors.byField["answers.\(field.key)"],
                    inputType: ["number": "text", "date": "date", "time": "time", "photo_url": "url"][field.type.rawValue] ?? "text",
                    isLongText: field.type == .longText, isCheckbox: field.type == .checkbox, checked: ["on", "true"].contains(value),
                    isChoice: field.type == .choice, isItem: field.type == .item, isAsset: field.type == .asset, isNumber: field.type == .number,
                    options: options,
                    lines: lines, datalist: field.tableID.map { "items-\($0)" } ?? "")
            })
        }
        let chosenList = form?["priceListId"]
        let priceLists = try await lists.filter(\.active)
        let page = FillPage(
            title: template.name, clientName: "\(client.clientNumber) · \(client.displayName)", clientURL: SiteURL.client(client.id).path,
            orderLabel: order.map { env.translator.text("order_title", context.language, ["number": String($0.orderNumber)]) },
            action: SiteURL.clientForms(client.id).path, templateID: template.id.description, orderID: order?.id.description ?? "",
            priceLists: priceLists.enumerated().map { index, list in
                Option(value: list.id.description, label: list.name, selected: chosenList.map { $0 == list.id.description } ?? (index == 0))
            },
            hasPriceLists: !priceLists.isEmpty, sections: sections, itemLists: itemLists, errors: errors.list, hasErrors: !errors.list.isEmpty)
        return try env.render("form-fill", request, context, title: template.name, section: .workOrders, page, status: status)
    }

    // MARK: A saved form

    struct FormPage: Encodable {
        struct Answer: Encodable { let label: String; let value: String; let lines: [LineRow]; let hasLines: Bool }
        struct LineRow: Encodable { let code: String; let description: String; let quantity: String; let unitPrice: String; let total: String }
        struct Section: Encodable { let title: String; let answers: [Answer] }
        let title: String
        let subtitle: String
        let clientName: String
        let clientURL: String
        let orderURL: String?
        let orderLabel: String?
        let sections: [Section]
        let total: String?
    }

    func page(_ request: Request, _ context: SignedInContext) async throws -> Response {
        guard let id = FilledForm.ID(string: context.parameters.get("form")),
              let listing = try await env.stores.forms.form(id, by: context.viewer) else { throw StoreError.notFound }
        let form = listing.form, language = context.language
        let t = env.t(language)
        let order = try await form.workOrderID.asyncMap { try await env.stores.workOrders.order($0, by: context.viewer) }
        let sections = form.templateVersion.definition.sections.map { section in
            FormPage.Section(title: section.title, answers: section.fields.map { field in
                let answer = form.answers[field.key]
                var value = "—"
                var lines: [FormPage.LineRow] = []
                switch answer {
                case .text(let s)?: value = s
                case .number(let n)?: value = n.formatted(.number.locale(Foundation.Locale(identifier: language == .es ? "es_AR" : "en_US")))
                case .bool(let b)?: value = b ? t["yes"] ?? "" : t["no"] ?? ""
                case .asset(_, let name)?: value = name
                case .items(let items)?:
                    value = ""
                    lines = items.map { line in
                        FormPage.LineRow(code: line.code, description: line.description,
                                         quantity: Self.quantityText(line.quantityMilli, language) + (line.unit.map { " " + $0 } ?? ""),
                                         unitPrice: line.unitPrice?.formatted(language) ?? "—", total: line.total?.formatted(language) ?? "—")
                    }
                case nil: break
                }
                return FormPage.Answer(label: field.label, value: value, lines: lines, hasLines: !lines.isEmpty)
            })
        }
        let page = FormPage(
            title: form.templateName,
            subtitle: env.translator.text("form_filled_by", language, ["who": listing.filledByName, "when": env.dateTime(form.filledAt, context),
                                                                      "number": String(form.templateVersion.number)]),
            clientName: "\(listing.clientNumber) · \(listing.clientName)", clientURL: SiteURL.client(form.clientID).path,
            orderURL: order.map { SiteURL.workOrder($0.id).path },
            orderLabel: order.map { env.translator.text("order_title", language, ["number": String($0.orderNumber)]) },
            sections: sections, total: form.total.map { "\($0.formatted(language)) \($0.currency)" })
        return try env.render("form", request, context, title: form.templateName, section: .workOrders, page)
    }

    /// "2,5" / "2.5" / "3": a quantity in thousandths as a person reads it.
    static func quantityText(_ milli: Int64, _ language: Language) -> String {
        let value = Double(milli) / 1000
        return value.formatted(.number.precision(.fractionLength(0...3)).locale(Foundation.Locale(identifier: language == .es ? "es_AR" : "en_US")))
    }
}
