import CarteraCore
import CarteraStore
import CarteraTestSupport
import CarteraWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Printable reports")
struct ReportPrintTests {
    @Test("each report prints under a header with the company and the report; the orders report charts its groups as SVG bars")
    func headers() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            _ = try await f.stores.workOrders.create(clientID: world.north.id, WorkOrderDraft(description: "Revisar bomba"), by: f.admin)
            _ = try await f.stores.workOrders.create(clientID: world.south.id, WorkOrderDraft(description: "Cambiar filtro"), by: f.admin)
            try await world.withApp { client in
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                for (path, title) in [("/work-orders/report", "Reporte de órdenes"), ("/activities", "Actividades"), ("/follow-ups", "Seguimientos"),
                                      ("/notes", "Informe de notas")] {
                    let page = String(buffer: try await admin.send(.get, path).body)
                    #expect(page.contains("<header class=\"print-header\"><p><strong>Demo S.A.</strong> · \(title)"), "\(path)")
                    #expect(page.contains("data-print"), "\(path)")
                }
                let report = String(buffer: try await admin.send(.get, "/work-orders/report").body)
                #expect(report.contains("<svg class=\"bar\"") && report.contains("<rect width=\"100\""))
            }
        }
    }
}
