import CarteraCore
import CarteraStore
import CarteraTestSupport
import CarteraWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Opportunities in the browser")
struct OpportunityPagesTests {
    @Test("opened from the card, moved through its statuses with what each asks for, on the board and in its printable history; scope kept")
    func flow() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            try await world.withApp { client in
                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                let card = String(buffer: try await seller.send(.get, "/clients/\(world.north.id)").body)
                #expect(card.contains("/clients/\(world.north.id)/opportunities/new"))
                let bad = try await seller.send(.post, "/clients/\(world.north.id)/opportunities", form: ["agentId": "\(world.seller.id)", "subject": ""])
                #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("«Asunto» es obligatorio"))
                let made = try await seller.send(.post, "/clients/\(world.north.id)/opportunities", form: [
                    "agentId": "\(world.seller.id)", "subject": "Equipar el local nuevo", "heardFrom": "Recomendación", "observations": "Quiere verlo en marzo"])
                let location = try #require(made.headers[.location])
                let page = String(buffer: try await seller.send(.get, location).body)
                #expect(page.contains("Equipar el local nuevo") && page.contains("Nueva") && page.contains("Recomendación"))

                let noDate = try await seller.send(.post, location + "/step", form: ["version": "1", "to": "waiting", "comment": "Llamar en octubre"])
                #expect(noDate.status == .unprocessableContent && String(buffer: noDate.body).contains("«Próximo contacto» es obligatorio"))
                #expect(try await seller.send(.post, location + "/step", form: ["version": "1", "to": "waiting", "comment": "Llamar en octubre",
                                                                                "nextContactOn": "2026-10-05"]).status == .seeOther)
                let stale = try await seller.send(.post, location + "/step", form: ["version": "1", "to": "working", "comment": "x"])
                #expect(stale.status == .conflict)
                let board = String(buffer: try await seller.send(.get, "/opportunities?view=board").body)
                // In the waiting column, not the new one.
                let newColumn = try #require(board.components(separatedBy: "id=\"col-new\"").last?.components(separatedBy: "id=\"col-waiting\"").first)
                let waitingColumn = try #require(board.components(separatedBy: "id=\"col-waiting\"").last?.components(separatedBy: "id=\"col-working\"").first)
                #expect(!newColumn.contains("Equipar el local nuevo") && waitingColumn.contains("Equipar el local nuevo") && waitingColumn.contains("05/10/2026"))
                let lost = try await seller.send(.post, location + "/step", form: ["version": "2", "to": "lost", "lostReason": "Precio"])
                #expect(lost.status == .unprocessableContent && String(buffer: lost.body).contains("«¿Qué podemos hacer para mejorar?» es obligatorio"))
                #expect(try await seller.send(.post, location + "/step", form: [
                    "version": "2", "to": "lost", "lostReason": "Precio", "improvement": "Ofrecer financiación"]).status == .seeOther)
                let final = String(buffer: try await seller.send(.get, location).body)
                #expect(!final.contains("/step\"") && final.contains("Ofrecer financiación") && final.contains("data-print"))
                #expect(!String(buffer: try await seller.send(.get, "/opportunities").body).contains("Equipar el local nuevo"))   // open only
                #expect(String(buffer: try await seller.send(.get, "/opportunities?status=lost").body).contains("Equipar el local nuevo"))
                let history = String(buffer: try await seller.send(.get, location + "/history/export?format=csv&bom=0").body)
                #expect(history.contains("En espera;Llamar en octubre;2026-10-05") && history.contains("Perdida;;;;Precio;Ofrecer financiación"))
                let csv = String(buffer: try await seller.send(.get, "/opportunities/export?format=csv&bom=0&status=all").body)
                #expect(csv.contains("Equipar el local nuevo;\(world.north.clientNumber);Ferretería del Norte"))

                // Another agent of level 4 sees none of it.
                let other = try await f.user("otra@demo.test", name: "Otra Agente")
                try await f.stores.users.setPasswordHash(other.id, try await Passwords.hash(WebWorld.password), keepingSession: nil)
                var outsider = Browser(client: client)
                _ = try await outsider.login("otra@demo.test", WebWorld.password)
                #expect(try await outsider.send(.get, location).status == .notFound)
                #expect(!String(buffer: try await outsider.send(.get, "/opportunities?status=all").body).contains("Equipar el local nuevo"))
            }
        }
    }
}
