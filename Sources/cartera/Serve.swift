import ArgumentParser
import CarteraCore
import CarteraIO
import CarteraJobs
import CarteraStore
import CarteraWeb
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus

/// `cartera serve`: migrate, optionally seed the demo company, and serve HTTP
/// until SIGTERM or SIGINT (graceful shutdown).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the web server.")

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Address to listen on (env CARTERA_HOST).") var host: String?
    @Option(help: "Port (env CARTERA_PORT).") var port: Int?
    @Option(help: "Folder with templates, translations and static files (env CARTERA_RESOURCES).") var resources: String?
    @Flag(help: "Seed a demo company when the database is empty and print an admin login.") var demo = false
    @Option(help: "Clients in the demo company.") var demoClients = 2000
    @Flag(help: "Mark cookies Secure (when served over HTTPS).") var secureCookies = false
    @Option(help: "Days ahead recurring rules make their work orders (env CARTERA_ORDER_HORIZON_DAYS).") var orderHorizonDays: Int?
    @Option(help: "The address people reach Cartera at, for links in e-mails (env CARTERA_PUBLIC_URL).") var publicURL: String?
    @Option(help: "File holding the secret that encrypts mail passwords (env CARTERA_SECRET_KEY holds the secret itself).")
    var secretKeyFile: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = makeLogger()
        let resourcesURL = try ResourceLocator.locate(override: resources ?? environment["CARTERA_RESOURCES"])
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let database = try await db.open(logger: logger)
        EventLoopTasks.adopt(for: database)
        let horizonDays = orderHorizonDays ?? environment["CARTERA_ORDER_HORIZON_DAYS"].flatMap(Int.init) ?? 30
        guard (1...366).contains(horizonDays) else { throw CommandFailure("--order-horizon-days must be between 1 and 366") }
        let key = try SecretKeySource.key(file: secretKeyFile, environment: environment, database: db.url)
        if key == nil { logger.warning("no CARTERA_SECRET_KEY: mail accounts cannot store passwords") }
        let stores = Stores(database: database, orderHorizon: Double(horizonDays) * 86_400, sealingKey: key)
        let settings = ServerSettings(host: host ?? environment["CARTERA_HOST"] ?? "127.0.0.1",
                                      port: port ?? environment["CARTERA_PORT"].flatMap(Int.init) ?? 8080)
        let address = publicURL ?? environment["CARTERA_PUBLIC_URL"] ?? "http://\(settings.host):\(settings.port)"
        var login: (String, String)?
        if demo { login = try await DemoSetup.ensure(stores: stores, clients: demoClients) }
        let env = try await WebEnvironment.load(stores: stores, resources: resourcesURL, secureCookies: secureCookies, publicURL: address)
        let texts = MailTexts(env: env)
        let delivery = MailDelivery(outbox: stores.outbox, accounts: stores.mailAccounts, transport: SMTPTransport())
        let poll = Self.mailPoll(environment)
        let app = buildApplication(env: env, settings: settings, metrics: registry,
                                   services: [PeriodicJob.sessionSweeper(sessions: stores.sessions, uploads: stores.importUploads, logger: logger),
                                              PeriodicJob.recurringOrders(stores.recurringOrders, logger: logger),
                                              PeriodicJob.followUpReminders(stores.followUps, interval: poll, logger: logger,
                                                                            compose: texts.followUpReminder),
                                              PeriodicJob.receivableNotices(stores.notices, interval: min(.seconds(600), poll * 60), logger: logger),
                                              PeriodicJob.mailDelivery(delivery, interval: poll, logger: logger)],
                                   logger: logger)
        say("Cartera is serving on http://\(settings.host):\(settings.port)/")
        if let (email, password) = login {
            say("Demo admin login: \(email)  password: \(password)")
        }
        try await app.runService()
        try await database.shutdown()
    }
}

extension Serve {
    /// How often the mail jobs look for work (env CARTERA_MAIL_POLL_SECONDS; 10 seconds, less in tests).
    static func mailPoll(_ environment: [String: String]) -> Duration {
        .seconds(environment["CARTERA_MAIL_POLL_SECONDS"].flatMap(Int.init).map { max(1, min($0, 300)) } ?? 10)
    }
}

/// Where the secret that seals mail passwords comes from: `--secret-key-file`, else
/// `CARTERA_SECRET_KEY`, else (SQLite only) a key file made beside the database on
/// first start, readable by its owner only. PostgreSQL deployments must configure one,
/// so every instance shares it.
enum SecretKeySource {
    static func key(file: String?, environment: [String: String], database url: String) throws -> SealingKey? {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8), let key = SealingKey(secret: text) else {
                throw CommandFailure("--secret-key-file \(file): unreadable or shorter than 16 characters")
            }
            return key
        }
        if let secret = environment["CARTERA_SECRET_KEY"] {
            guard let key = SealingKey(secret: secret) else { throw CommandFailure("CARTERA_SECRET_KEY must be at least 16 characters") }
            return key
        }
        guard case .sqlite(let path) = try DatabaseLocation(url) else { return nil }
        let keyFile = path + ".key"
        if let text = try? String(contentsOfFile: keyFile, encoding: .utf8) { return SealingKey(secret: text) }
        let secret = SealingKey.generateSecret()
        guard FileManager.default.createFile(atPath: keyFile, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure("cannot write the mail key file \(keyFile)")
        }
        return SealingKey(secret: secret)
    }
}

/// The demo company for `serve --demo`: created when the database is empty;
/// the demo admin gets a fresh random password at every start, printed once.
enum DemoSetup {
    static func ensure(stores: Stores, clients: Int) async throws -> (String, String) {
        let password = String(Secret.generate().hash.prefix(16))
        let hash = try await Passwords.hash(password)
        let generator = DemoGenerator(stores: stores)
        if try await generator.isEmpty() {
            let started = Date()
            let summary = try await generator.generate(clients: clients, adminPasswordHash: hash)
            say("Demo company created: \(summary.clients) clients, \(summary.contacts) contacts, \(summary.users) users in "
                  + String(format: "%.1f s", Date().timeIntervalSince(started)))
        } else if let admin = try await stores.users.user(email: DemoGenerator.adminEmail) {
            try await stores.users.setPasswordHash(admin.id, hash, keepingSession: nil)
        } else {
            throw CommandFailure("--demo: this database already holds a company without the demo admin; not touching it")
        }
        return (DemoGenerator.adminEmail, password)
    }
}
