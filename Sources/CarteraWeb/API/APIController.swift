import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1`: bearer tokens, the signed-in user, clients, contacts, client groups,
/// follow-ups, activities, notes and projects, under the same scopes and rules as the pages.
struct APIController {
    let env: WebEnvironment

    func register(_ router: Router<WebContext>) {
        let open = router.group("/api/v1")
        open.get("openapi.yaml") { _, _ in try self.document() }
        open.post("tokens") { request, context in try await self.createToken(request, context) }
        let api = router.group("/api/v1", context: SignedInContext.self)
        api.get("me") { _, context in try await self.me(context) }
        api.get("clients") { request, context in try await self.listClients(request, context) }
        api.post("clients") { request, context in try await self.createClient(request, context) }
        api.get("clients/export") { request, context in try await self.exportClients(request, context) }
        // One client by id: a bounded read, see `Database.readingInline`. (Reading the client list
        // inline gained nothing and lengthened its slowest answers: docs/decisions.md.)
        api.get("clients/:id") { _, context in try await Database.readingInline { try await self.getClient(context) } }
        api.patch("clients/:id") { request, context in try await self.patchClient(request, context) }
        api.post("clients/:id/archive") { request, context in try await self.archive(request, context, true) }
        api.post("clients/:id/restore") { request, context in try await self.archive(request, context, false) }
        api.get("clients/:id/contacts") { _, context in try await self.clientContacts(context) }
        api.post("clients/:id/contacts") { request, context in try await self.createContact(request, context) }
        api.get("contacts") { request, context in try await self.listContacts(request, context) }
        api.get("contacts/:contact") { _, context in try await self.getContact(context) }
        api.patch("contacts/:contact") { request, context in try await self.patchContact(request, context) }
        api.get("client-groups") { _, _ in try await self.listGroups() }
        api.post("client-groups") { request, context in try await self.createGroup(request, context) }
        registerFollowUps(api)
        registerReassign(api)
        registerActivities(api)
        registerNotes(api)
        registerProjects(api)
        registerWorkOrders(api)
        registerRecurringOrders(api)
        registerAssets(api)
        registerForms(api)
        registerDeliveries(api)
        registerMasterData(api)
        registerReceivables(api)
        registerOpportunities(api)
        registerLeads(api)
        registerMaps(api)
    }

    // MARK: Tokens and me

    func createToken(_ request: Request, _ context: WebContext) async throws -> Response {
        struct Input: Decodable { let email: String; let password: String; let name: String? }
        struct Output: Encodable { let id: Int64; let token: String; let tokenType = "Bearer" }
        let input = try JSONInput.decode(Input.self, from: try await body(request))
        let sessions = env.stores.sessions
        if try await sessions.loginDelay(account: input.email, address: context.remoteAddress) > 0 {
            return Problem(status: .tooManyRequests, code: "throttled",
                           detail: env.translator.text("login_wait_short", context.language)).response()
        }
        guard let (userID, hash) = try await env.stores.users.passwordHash(email: input.email),
              try await Passwords.verify(input.password, hash: hash) else {
            try await sessions.recordLoginFailure(account: input.email, address: context.remoteAddress)
            return Problem(status: .unauthorized, code: "invalid_credentials",
                           detail: env.translator.text("login_failed", context.language)).response()
        }
        try await sessions.clearLoginFailures(account: input.email)
        let (id, token) = try await env.stores.tokens.create(userID: userID, name: input.name ?? "API")
        return try json(Output(id: id.rawValue, token: token), status: .created)
    }

    func me(_ context: SignedInContext) async throws -> Response {
        struct Me: Encodable {
            let id: Int64, email: String, name: String, roles: [String], accessLevel: Int, language: String, timeZone: String
        }
        let user = context.viewer.user
        let roles = try await env.stores.organisation.roles().filter { user.roleIDs.contains($0.id) }.map(\.key)
        return try json(Me(id: user.id.rawValue, email: user.email, name: user.name,
                           roles: roles, accessLevel: context.viewer.accessLevel.rawValue,
                           language: user.language.rawValue, timeZone: user.timeZone))
    }

    // MARK: Clients

    func listClients(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let filters = try clientFilters(query)
        let limit = try query.limit()
        let archived = try query.choice("archived", ClientQuery.Archived.self) ?? .active
        let cursor = try Cursor(query.form["cursor"])
        let search = query.form.text("q")
        let page: ClientQuery.Page = search == nil ? .afterID(cursor.afterID.map(Client.ID.init)) : .offset(cursor.offset)
        let result = try await env.stores.clients.list(
            ClientQuery(search: search, filters: filters, archived: archived, limit: limit, page: page, counting: .none),
            scope: context.clientScope)
        var next: String?
        if result.hasMore {
            next = search == nil ? Cursor.after(result.clients.last!.id.rawValue) : Cursor.offset(cursor.offset + limit)
        }
        return try json(ListPage(items: result.clients.map(ClientJSON.init), nextCursor: next))
    }

    /// Every client matching the list's filters, as `.xlsx` or CSV, every column.
    func exportClients(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try context.require(.exportData)
        let query = QueryParameters(FormData.query(request))
        guard let format = try query.choice("format", ClientExport.Format.self) else {
            throw ValidationFailure([FieldError("format", "required")])
        }
        let filters = try clientFilters(query)
        let archived = try query.choice("archived", ClientQuery.Archived.self) ?? .active
        let separator = try query.choice("separator", CSVSheetWriter.Separator.self) ?? .comma
        let lookups = try await Lookups.load(env.stores)
        let export = ClientExport(lookups: lookups, columns: ClientExport.allColumns(lookups), language: context.language,
                                  t: env.t(context.language), timeZone: TimeZone(identifier: context.viewer.user.timeZone) ?? .gmt)
        let file = try await export.write(ClientQuery(search: query.form.text("q"), filters: filters, sort: .number, archived: archived),
                                          scope: context.clientScope, stores: env.stores, format: format,
                                          separator: separator, byteOrderMark: query.form["bom"] == "true")
        return download(file, filename: "clients.\(format.rawValue)", format: format)
    }

    /// The list filters shared by the list and its export.
    func clientFilters(_ query: QueryParameters) throws -> [ClientFilter] {
        var filters: [ClientFilter] = []
        if let id: ClientType.ID = try query.id("clientTypeId") { filters.append(.clientType(id)) }
        if let id: ClientGroup.ID = try query.id("clientGroupId") { filters.append(.clientGroup(id)) }
        if let id: Branch.ID = try query.id("branchId") { filters.append(.branch(id)) }
        if let id: User.ID = try query.id("salesAgentId") { filters.append(.salesAgent(id)) }
        if let id: User.ID = try query.id("collectorId") { filters.append(.collector(id)) }
        if let city = query.form.text("city") { filters.append(.text(.city, city)) }
        return filters
    }

    func getClient(_ context: SignedInContext) async throws -> Response {
        let client = try await load(context)
        return try json(ClientJSON(client), etag: client.version)
    }

    func createClient(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let data = try await body(request)
        try rejectReadOnly(try JSONInput.object(data), writable: ClientInput.writable)
        let draft = try JSONInput.decode(ClientInput.self, from: data).draft()
        let key = IdempotencyKey(key: request.headers[.init("Idempotency-Key")!], body: data)
        let (client, replayed) = try await env.stores.clients.create(draft, by: context.viewer, idempotency: key)
        var response = try json(ClientJSON(client), status: .created, etag: client.version)
        if replayed { response.headers[.init("Idempotent-Replayed")!] = "true" }
        response.headers[.location] = "/api/v1/clients/\(client.id)"
        return response
    }

    /// JSON merge patch; `If-Match` with the current version is required.
    func patchClient(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ClientInput.writable)
        let version = try expectedVersion(request, context)
        let client = try await load(context)
        let current = try JSONSerialization.jsonObject(with: try encoder().encode(ClientJSON(client)))
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        let input = try JSONInput.decode(ClientInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        let saved = try await env.stores.clients.update(client.id, try input.draft(), expectedVersion: version, by: context.viewer)
        return try json(ClientJSON(saved), etag: saved.version)
    }

    func archive(_ request: Request, _ context: SignedInContext, _ archived: Bool) async throws -> Response {
        let client = try await load(context)
        let version = request.headers[.ifMatch].flatMap(Self.parseETag)
        let saved = try await env.stores.clients.setArchived(client.id, archived, expectedVersion: version, by: context.viewer)
        return try json(ClientJSON(saved), etag: saved.version)
    }

    // MARK: Contacts

    struct ContactJSON: Encodable {
        let id: Int64, contactKey: Int64, clientId: Int64, name: String, role: String?, email: String?, phone: String?, version: Int64
        init(_ c: Contact) {
            id = c.id.rawValue; contactKey = c.contactKey; clientId = c.clientID.rawValue; name = c.name; role = c.role
            email = c.email; phone = c.phone; version = c.version
        }

        enum CodingKeys: String, CodingKey { case id, contactKey, clientId, name, role, email, phone, version }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(contactKey, forKey: .contactKey); try c.encode(clientId, forKey: .clientId)
            try c.encode(name, forKey: .name); try c.encode(role, forKey: .role); try c.encode(email, forKey: .email)
            try c.encode(phone, forKey: .phone); try c.encode(version, forKey: .version)
        }
    }

    struct ContactInput: Decodable { var name: String?; var role: String?; var email: String?; var phone: String? }

    func clientContacts(_ context: SignedInContext) async throws -> Response {
        let client = try await load(context)
        let contacts = try await env.stores.contacts.contacts(of: client.id, scope: context.clientScope)
        return try json(ListPage(items: contacts.map(ContactJSON.init), nextCursor: nil))
    }

    func createContact(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let client = try await load(context)
        let data = try await body(request)
        try rejectReadOnly(try JSONInput.object(data), writable: ["name", "role", "email", "phone"])
        let input = try JSONInput.decode(ContactInput.self, from: data)
        let contact = try await env.stores.contacts.create(clientID: client.id, name: input.name, role: input.role,
                                                           email: input.email, phone: input.phone, by: context.viewer)
        return try json(ContactJSON(contact), status: .created, etag: contact.version)
    }

    func listContacts(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let limit = try query.limit()
        let clientID: Client.ID? = try query.id("clientId")
        let cursor = try Cursor(query.form["cursor"])
        let listings = try await env.stores.contacts.catalogue(
            search: query.form.text("q"), clientID: clientID, after: cursor.afterID.map(Contact.ID.init),
            limit: limit + 1, scope: context.clientScope)
        let shown = Array(listings.prefix(limit))
        return try json(ListPage(items: shown.map { ContactJSON($0.contact) },
                             nextCursor: listings.count > limit ? Cursor.after(shown.last!.contact.id.rawValue) : nil))
    }

    func getContact(_ context: SignedInContext) async throws -> Response {
        let contact = try await loadContact(context)
        return try json(ContactJSON(contact), etag: contact.version)
    }

    func patchContact(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ["name", "role", "email", "phone"])
        let version = try expectedVersion(request, context)
        let contact = try await loadContact(context)
        let current: [String: Any] = ["name": contact.name, "role": contact.role as Any, "email": contact.email as Any,
                                      "phone": contact.phone as Any].compactMapValues { $0 is String ? $0 : nil }
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        let input = try JSONInput.decode(ContactInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        let saved = try await env.stores.contacts.update(contact.id, name: input.name, role: input.role, email: input.email,
                                                         phone: input.phone, expectedVersion: version, by: context.viewer)
        return try json(ContactJSON(saved), etag: saved.version)
    }

    // MARK: Client groups

    struct GroupJSON: Encodable {
        let id: Int64, name: String, active: Bool, userIds: [Int64], version: Int64
        init(_ g: ClientGroup) { id = g.id.rawValue; name = g.name; active = g.active; userIds = g.userIDs.map(\.rawValue); version = g.version }
    }

    func listGroups() async throws -> Response {
        return try json(ListPage(items: try await env.stores.catalogues.clientGroups().map(GroupJSON.init), nextCursor: nil))
    }

    func createGroup(_ request: Request, _ context: SignedInContext) async throws -> Response {
        struct Input: Decodable { let name: String?; let userIds: [Int64]? }
        try context.require(.manageSettings)
        let input = try JSONInput.decode(Input.self, from: try await body(request))
        let id = try await env.stores.catalogues.createClientGroup(name: input.name, userIDs: (input.userIds ?? []).map(User.ID.init),
                                                                   by: context.viewer.id)
        let group = try await env.stores.catalogues.clientGroups().first { $0.id == id }!
        return try json(GroupJSON(group), status: .created)
    }

    // MARK: Helpers

    func document() throws -> Response {
        let url = env.staticDirectory.deletingLastPathComponent().appendingPathComponent("openapi.yaml")
        let data = try Data(contentsOf: url)
        return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func load(_ context: SignedInContext) async throws -> Client {
        guard let id = Client.ID(string: context.parameters.get("id")) else { throw StoreError.notFound }
        guard let client = try await env.stores.clients.client(id, scope: context.clientScope) else { throw StoreError.notFound }
        return client
    }

    func loadContact(_ context: SignedInContext) async throws -> Contact {
        guard let id = Contact.ID(string: context.parameters.get("contact")) else { throw StoreError.notFound }
        guard let contact = try await env.stores.contacts.contact(id, scope: context.clientScope) else { throw StoreError.notFound }
        return contact
    }

    func body(_ request: Request) async throws -> Data {
        Data(buffer: try await request.body.collect(upTo: 1 << 20))
    }

    /// `If-Match: "7"` → 7; missing → 428 Precondition Required.
    func expectedVersion(_ request: Request, _ context: SignedInContext) throws -> Int64 {
        guard let header = request.headers[.ifMatch] else {
            throw HTTPError(.preconditionRequired, message: env.translator.text("problem_if_match", context.language))
        }
        guard let version = Self.parseETag(header) else { throw StoreError.versionConflict(current: 0) }
        return version
    }

    static func parseETag(_ header: String) -> Int64? {
        Int64(header.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "")
            .trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
    }

    /// Creates a record at the body's client: a missing `clientId` is reported with the draft's own invalid
    /// fields, and a client outside the caller's scope as an unknown reference (a 422, not a 404).
    func createAtClient<Draft, Record>(_ clientId: Int64?, draft: () throws -> Draft,
                                       _ create: (Client.ID, Draft) async throws -> Record) async throws -> Record {
        let missing = clientId == nil ? [FieldError("clientId", "required")] : []
        let checked: Draft
        do {
            checked = try draft()
        } catch let failure as ValidationFailure {
            throw ValidationFailure(missing + failure.errors)
        }
        guard let clientId else { throw ValidationFailure(missing) }
        do {
            return try await create(Client.ID(clientId), checked)
        } catch StoreError.notFound {
            throw ValidationFailure([FieldError("clientId", "unknown_reference")])
        }
    }

    func rejectReadOnly(_ object: [String: Any], writable: Set<String>) throws {
        let extra = object.keys.filter { !writable.contains($0) }.sorted()
        if !extra.isEmpty { throw ValidationFailure(extra.map { FieldError($0, "read_only") }) }
    }

    func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, etag: Int64? = nil) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let etag { headers[.eTag] = "\"\(etag)\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder().encode(value))))
    }
}

/// Query parameters of list endpoints: present but malformed values are
/// reported (422) instead of silently ignored.
struct QueryParameters {
    let form: FormData

    init(_ form: FormData) { self.form = form }

    func id<T>(_ name: String) throws -> EntityID<T>? {
        guard let raw = form[name], !raw.isEmpty else { return nil }
        guard let id = EntityID<T>(string: raw) else { throw ValidationFailure([FieldError(name, "invalid_type")]) }
        return id
    }

    func limit(default value: Int = 50, maximum: Int = 200) throws -> Int {
        guard let raw = form["limit"], !raw.isEmpty else { return value }
        guard let limit = Int(raw), (1...maximum).contains(limit) else {
            throw ValidationFailure([FieldError("limit", "out_of_range", ["1", String(maximum)])])
        }
        return limit
    }

    /// An RFC 3339 instant (`from`, `to`).
    func instant(_ name: String) throws -> Date? {
        guard let raw = form[name], !raw.isEmpty else { return nil }
        guard let date = RFC3339.date(raw) else { throw ValidationFailure([FieldError(name, "invalid_datetime")]) }
        return date
    }

    func choice<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let raw = form[name], !raw.isEmpty else { return nil }
        guard let value = T(rawValue: raw) else { throw ValidationFailure([FieldError(name, "invalid_choice")]) }
        return value
    }
}

/// An opaque page cursor: the last id seen, or an offset for ranked searches.
struct Cursor {
    var afterID: Int64?
    var offset = 0

    init(_ raw: String?) throws {
        guard let raw, !raw.isEmpty else { return }
        guard let data = Data(base64Encoded: raw), let text = String(data: data, encoding: .utf8) else {
            throw ValidationFailure([FieldError("cursor", "invalid_cursor")])
        }
        if text.hasPrefix("id:"), let id = Int64(text.dropFirst(3)) { afterID = id }
        else if text.hasPrefix("off:"), let offset = Int(text.dropFirst(4)) { self.offset = max(0, offset) }
        else { throw ValidationFailure([FieldError("cursor", "invalid_cursor")]) }
    }

    static func after(_ id: Int64) -> String { Data("id:\(id)".utf8).base64EncodedString() }
    static func offset(_ offset: Int) -> String { Data("off:\(offset)".utf8).base64EncodedString() }
}
