import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Contacts on the client card and the central contacts catalogue.
struct ContactsController {
    let env: WebEnvironment
    let clients: ClientsController

    func register(_ group: RouterGroup<SignedInContext>) {
        group.get(SiteURL.contacts.route) { request, context in try await self.catalogue(request, context) }
        group.post(SiteURL.contacts.route) { request, context in try await self.createFromCatalogue(request, context) }
        group.get(SiteURL.contactExport.route) { request, context in try await self.export(request, context) }
        group.post("/clients/:id/contacts") { request, context in try await self.create(request, context) }
        group.post("/contacts/:contact") { request, context in try await self.update(request, context) }
        group.post("/contacts/:contact/delete") { request, context in try await self.delete(request, context) }
    }

    struct CataloguePage: Encodable {
        struct Row: Encodable {
            let key: Int64
            let name: String
            let role: String
            let email: String
            let phone: String
            let telURL: String?
            let whatsAppURL: String?
            let clientName: String
            let clientURL: String
        }
        let q: String
        let rows: [Row]
        let empty: Bool
        let nextURL: String?
        let canEdit: Bool
        let canImport: Bool
        let exportXLSX: String?
        let exportCSV: String?
        let errors: [String]
        let hasErrors: Bool
        let form: [String: String]
    }

    func catalogue(_ request: Request, _ context: SignedInContext, form: FormData? = nil, errors: [String] = [],
                   status: HTTPResponse.Status = .ok) async throws -> Response {
        let query = FormData.query(request)
        let limit = 50
        let listings = try await env.stores.contacts.catalogue(search: query.text("q"), after: Contact.ID(string: query["after"]),
                                                               limit: limit + 1, scope: context.clientScope)
        let shown = listings.prefix(limit)
        let q = query["q"] ?? ""
        func exportURL(_ format: String) -> String {
            "\(SiteURL.contactExport.path)?format=\(format)&q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        let next = listings.count > limit ? shown.last.map {
            "\(SiteURL.contacts.path)?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&after=\($0.contact.id)"
        } : nil
        let page = CataloguePage(q: q, rows: shown.map { listing in
            let c = listing.contact
            return .init(key: c.contactKey, name: c.name, role: c.role ?? "", email: c.email ?? "", phone: c.phone ?? "",
                         telURL: c.phone.map(Contactability.telURL), whatsAppURL: c.phone.map(Contactability.whatsAppURL),
                         clientName: "\(listing.clientNumber) · \(listing.clientName)", clientURL: SiteURL.client(c.clientID).path)
        }, empty: shown.isEmpty, nextURL: next, canEdit: context.viewer.can(.editClients),
           canImport: context.viewer.can(.importData) && context.viewer.can(.editClients),
           exportXLSX: context.viewer.can(.exportData) ? exportURL("xlsx") : nil,
           exportCSV: context.viewer.can(.exportData) ? exportURL("csv") : nil, errors: errors, hasErrors: !errors.isEmpty,
           form: ["clientNumber", "name", "role", "email", "phone"].reduce(into: [:]) { $0[$1] = form?[$1] ?? "" })
        return try env.render("contacts", request, context, title: env.t(context.language)["nav_contacts"] ?? "",
                              section: .contacts, page, status: status)
    }

    /// Adding from the catalogue names the client by its number.
    func createFromCatalogue(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await FormData.from(request)
        let t = env.translator
        guard let number = Int64(form.text("clientNumber") ?? ""),
              let client = try await env.stores.clients.client(number: number, scope: context.clientScope) else {
            let message = t.message(for: FieldError("clientNumber", "unknown_reference"), context.language)
            return try await catalogue(request, context, form: form, errors: [message], status: .unprocessableContent)
        }
        do {
            _ = try await env.stores.contacts.create(clientID: client.id, name: form["name"], role: form["role"],
                                                     email: form["email"], phone: form["phone"], by: context.viewer)
            return redirect(to: SiteURL.contacts.path + "?q=" + (form.text("name")?.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""),
                            flash: t.text("flash_contact_added", context.language))
        } catch let failure as ValidationFailure {
            let messages = env.messages(failure, context.language) { env.t(context.language)["field_contact_\($0)"] }.list
            return try await catalogue(request, context, form: form, errors: messages, status: .unprocessableContent)
        }
    }

    /// The catalogue as searched, as `.xlsx` or CSV.
    func export(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.exportData)
        let query = FormData.query(request)
        let format = try SheetFormat.requested(query)
        let t = env.t(context.language)
        let headers = ["column_contactKey", "field_contact_name", "field_contact_role", "field_contact_email",
                       "field_contact_phone", "column_number", "column_legalName"]
        let sheet = SheetExport(columns: headers.map { SheetColumn(t[$0] ?? $0) }, sheetName: t["nav_contacts"] ?? "Contactos",
                                timeZone: TimeZone(identifier: context.viewer.user.timeZone) ?? .gmt, format: format,
                                options: query)
        let stores = env.stores, search = query.text("q"), scope = context.clientScope
        let file = try await sheet.write({ try await stores.contacts.export(search: search, scope: scope, $0) }) { listing in
            let c = listing.contact
            return [.integer(c.contactKey), .text(c.name), c.role.map { .text($0) }, c.email.map { .text($0) },
                    c.phone.map { .text($0) }, .integer(listing.clientNumber), .text(listing.clientName)]
        }
        let name = env.translator.text("export_contacts_filename", context.language)
        return download(file, filename: "\(name)-\(ClientsController.today(context)).\(format.rawValue)", format: format)
    }

    func create(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await clients.load(request, context)
        let form = try await FormData.from(request)
        do {
            _ = try await env.stores.contacts.create(clientID: client.id, name: form["name"], role: form["role"],
                                                     email: form["email"], phone: form["phone"], by: context.viewer)
            return redirect(.client(client.id), flash: env.translator.text("flash_contact_added", context.language))
        } catch let failure as ValidationFailure {
            let page = try await clients.cardPage(client, context, contactForm: form,
                                                  contactErrors: env.messages(failure, context.language) { field in
                                                      env.t(context.language)["field_contact_\(field)"]
                                                  })
            return try env.render("client", request, context, title: client.displayName, section: .clients, page,
                                  status: .unprocessableContent)
        }
    }

    func update(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let contact = try await loadContact(context)
        let form = try await FormData.from(request)
        do {
            _ = try await env.stores.contacts.update(contact.id, name: form["name"], role: form["role"], email: form["email"],
                                                     phone: form["phone"], expectedVersion: Int64(form["version"] ?? "") ?? 0,
                                                     by: context.viewer)
            return redirect(.client(contact.clientID), flash: env.translator.text("flash_saved", context.language))
        } catch let failure as ValidationFailure {
            let text = env.messages(failure, context.language) { env.t(context.language)["field_contact_\($0)"] }.list.joined(separator: " ")
            return redirect(.client(contact.clientID), flash: text)
        } catch StoreError.versionConflict {
            return redirect(.client(contact.clientID), flash: env.translator.text("conflict_reload", context.language))
        }
    }

    func delete(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let contact = try await loadContact(context)
        try await env.stores.contacts.delete(contact.id, by: context.viewer)
        return redirect(.client(contact.clientID), flash: env.translator.text("flash_contact_deleted", context.language))
    }

    func loadContact(_ context: SignedInContext) async throws -> Contact {
        guard let id = Contact.ID(string: context.parameters.get("contact")),
              let contact = try await env.stores.contacts.contact(id, scope: context.clientScope) else { throw StoreError.notFound }
        return contact
    }
}
