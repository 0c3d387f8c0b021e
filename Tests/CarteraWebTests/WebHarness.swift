import CarteraCore
import CarteraIO
import CarteraStore
import CarteraTestSupport
import CarteraWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A signed-in browser or API caller against the real router and a fresh database.
struct Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]

    var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }

    /// Sends a request carrying the cookies; remembers the ones set.
    @discardableResult
    mutating func send(_ method: HTTPRequest.Method, _ uri: String, form: [String: String]? = nil,
                       headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        var body: ByteBuffer?
        if var form {
            if form["_csrf"] == nil { form["_csrf"] = cookies["csrf_form"] }
            headers[.contentType] = "application/x-www-form-urlencoded"
            let allowed = CharacterSet.alphanumerics
            body = ByteBuffer(string: form.map {
                "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
            }.joined(separator: "&"))
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        for value in response.headers[values: .setCookie] {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            cookies[String(pair[0])] = String(pair[1])
        }
        return response
    }

    /// Posts a CSV file as `multipart/form-data` (field `file`) with other fields; the CSRF token goes in the address.
    func upload(_ path: String, csv: String, fields: [String: String]) async throws -> TestResponse {
        let boundary = "cartera-test-boundary"
        var body = ""
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.csv\"\r\nContent-Type: text/csv\r\n\r\n"
            + csv + "\r\n--\(boundary)--\r\n"
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        headers[.cookie] = cookieHeader
        return try await client.execute(uri: path + "?_csrf=\(cookies["csrf_form"] ?? "")", method: .post, headers: headers,
                                        body: ByteBuffer(string: body))
    }

    /// Logs in through the form; the page's CSRF token is read from the HTML.
    mutating func login(_ email: String, _ password: String) async throws -> TestResponse {
        let page = try await send(.get, "/login")
        let token = Self.csrf(in: String(buffer: page.body))
        let response = try await send(.post, "/login", form: ["email": email, "password": password, "_csrf": token])
        if response.status == .seeOther, cookies["cartera_session"] != nil {
            let clients = try await send(.get, "/clients")
            cookies["csrf_form"] = Self.csrf(in: String(buffer: clients.body))
        }
        return response
    }

    static func csrf(in html: String) -> String {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return "" }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}

/// A company with two client groups and a seller restricted to one of them.
struct WebWorld {
    let fixture: Fixture
    let seller: Viewer
    let north: Client
    let south: Client
    let southContact: Contact
    static let password = "clave-de-prueba-1"

    static func make(_ db: Database) async throws -> WebWorld {
        let f = try await Fixture.make(db)
        let northGroup = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
        let southGroup = try await f.stores.catalogues.createClientGroup(name: "Sur", userIDs: [], by: nil)
        let seller = try await f.user("vendedor@demo.test", name: "Vendedor Norte", groups: [northGroup])
        let hash = try await Passwords.hash(password)
        try await f.stores.users.setPasswordHash(seller.id, hash, keepingSession: nil)
        try await f.stores.users.setPasswordHash(f.admin.id, hash, keepingSession: nil)
        let north = try await f.client("Ferretería del Norte", group: northGroup)
        let south = try await f.client("Panadería del Sur", group: southGroup)
        let contact = try await f.stores.contacts.create(clientID: south.id, name: "Rosa Sureña", role: nil, email: nil,
                                                         phone: nil, by: f.admin)
        return WebWorld(fixture: f, seller: seller, north: north, south: south, southContact: contact)
    }

    /// Runs `body` against the application built on this world's stores.
    func withApp(transport: any MailTransport = SMTPTransport(), geocoder: @escaping @Sendable (String) -> any Geocoding = { _ in StandInGeocoder(answer: nil) },
                 _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let env = try await WebEnvironment.load(stores: fixture.stores, resources: try ResourceLocator.locate(override: nil),
                                                clock: fixture.clock, publicURL: "https://crm.demo.test/", mailTransport: transport,
                                                geocoder: geocoder)
        let app = Application(router: buildRouter(env: env, metrics: nil))
        try await app.test(.router, body)
    }
}

/// A geocoder that answers what the test says, remembering what it was asked.
struct StandInGeocoder: Geocoding {
    let answer: (latitude: Double, longitude: Double)?
    func locate(_ address: String) async throws -> (latitude: Double, longitude: Double)? {
        guard !address.isEmpty else { throw GeocodingError.badAddress }
        return answer
    }
}
