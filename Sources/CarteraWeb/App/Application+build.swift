import CarteraCore
import CarteraStore
import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// Where and how the server listens.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    public init(host: String = "127.0.0.1", port: Int = 8080) { self.host = host; self.port = port }
}

/// Builds the router: public routes, signed-in pages and the API, one middleware stack.
public func buildRouter(env: WebEnvironment, metrics: PrometheusCollectorRegistry?) -> Router<WebContext> {
    let router = Router(context: WebContext.self)
    router.addMiddleware {
        LogRequestsMiddleware(.info)
        MetricsMiddleware()
        SecurityHeadersMiddleware()
        AuthMiddleware(stores: env.stores)
        ErrorMiddleware(env: env)
        CSRFMiddleware()
        FileMiddleware(env.staticDirectory.path, urlBasePath: "/static", cacheControl: .init([(MediaType(type: .any), [.maxAge(3600)])]),
                       searchForIndexHtml: false)
    }
    router.get("/healthz") { _, _ in "ok" }
    router.get("/readyz") { _, _ -> Response in
        do {
            try await Migrator(database: env.stores.database).ping()
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready")))
        } catch {
            return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "database unreachable")))
        }
    }
    if let metrics {
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }
    }
    let signedIn = router.group(context: SignedInContext.self)
    let clients = ClientsController(env: env)
    LoginController(env: env).register(public: router, signedIn: signedIn)
    clients.register(signedIn)
    ImportController(env: env).register(signedIn)
    ContactsController(env: env, clients: clients).register(signedIn)
    FollowUpsController(env: env, clients: clients).register(signedIn)
    ActivitiesController(env: env, clients: clients).register(signedIn)
    NotesController(env: env, clients: clients).register(signedIn)
    ProjectsController(env: env, clients: clients).register(signedIn)
    WorkOrdersController(env: env, clients: clients).register(signedIn)
    RecurringOrdersController(env: env, clients: clients).register(signedIn)
    AssetsController(env: env, clients: clients).register(signedIn)
    FormsController(env: env, clients: clients).register(signedIn)
    DeliveriesController(env: env, clients: clients).register(signedIn)
    ReceivablesController(env: env, clients: clients).register(signedIn)
    OpportunitiesController(env: env, clients: clients).register(signedIn)
    FunnelController(env: env).register(signedIn)
    LeadsController(env: env).register(signedIn)
    SalesAdmin(env: env).register(signedIn)
    MapController(env: env).register(signedIn)
    DashboardController(env: env).register(signedIn)
    MapSettingsAdmin(env: env).register(signedIn)
    PlaceController(env: env, clients: clients).register(signedIn)
    ReassignController(env: env).register(signedIn)
    CalendarController(env: env).register(public: router, signedIn: signedIn)
    AccountController(env: env).register(signedIn)
    AdminController(env: env).register(signedIn)
    MailController(env: env).register(signedIn)
    APIController(env: env).register(router)
    return router
}

/// The application, ready to run as a service.
/// `services` run beside the server and stop with it (background jobs).
public func buildApplication(env: WebEnvironment, settings: ServerSettings, metrics: PrometheusCollectorRegistry?,
                             services: [any Service], logger: Logger) -> some ApplicationProtocol {
    Application(router: buildRouter(env: env, metrics: metrics),
                configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "Cartera"),
                services: services, logger: logger)
}
