import CarteraCore
import CarteraIO
import CarteraJobs
import CarteraStore
import CarteraTestSupport
import CarteraWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// Records what a page hands to the mail server.
final class PageTransport: MailTransport {
    let sent = Mutex<[(MailMessage, SMTPSettings)]>([])
    let refuse = Mutex<SMTPFailure?>(nil)
    func send(_ message: MailMessage, via settings: SMTPSettings) async throws {
        if let failure = refuse.withLock({ $0 }) { throw failure }
        sent.withLock { $0.append((message, settings)) }
    }
}

@Suite("Mail accounts and the outbox in the browser")
struct MailPagesTests {
    @Test("the admin saves the company account (password sealed, never shown), sends a test, and resends a failed message; others may not")
    func company() async throws {
        try await TestDatabase.with { db in
            let world = try await WebWorld.make(db)
            let f = world.fixture
            let transport = PageTransport()
            try await world.withApp(transport: transport) { client in
                var admin = Browser(client: client)
                _ = try await admin.login("admin@demo.test", WebWorld.password)
                let bad = try await admin.send(.post, "/admin/mail", form: ["host": "", "port": "x", "security": "starttls", "fromAddress": "nadie"])
                let badPage = String(buffer: bad.body)
                #expect(bad.status == .unprocessableContent && badPage.contains("«Servidor» es obligatorio") && badPage.contains("«Puerto»")
                        && badPage.contains("«Dirección del remitente»"))
                #expect(try await admin.send(.post, "/admin/mail", form: [
                    "host": "smtp.demo.test", "port": "587", "security": "starttls", "username": "avisos", "password": "s3creta-de-correo",
                    "fromName": "Demo Cobranzas", "fromAddress": "avisos@demo.test"]).status == .seeOther)
                let page = String(buffer: try await admin.send(.get, "/admin/mail").body)
                #expect(page.contains("smtp.demo.test") && page.contains("Hay una contraseña guardada") && !page.contains("s3creta-de-correo"))
                // Saving again without a password keeps the stored one.
                #expect(try await admin.send(.post, "/admin/mail", form: [
                    "version": "1", "host": "smtp.demo.test", "port": "465", "security": "tls", "username": "avisos", "password": "",
                    "fromName": "Demo Cobranzas", "fromAddress": "avisos@demo.test"]).status == .seeOther)
                let test = try await admin.send(.post, "/admin/mail/test", form: [:])
                #expect(test.status == .ok && String(buffer: test.body).contains("Mensaje de prueba entregado al servidor para admin@demo.test"))
                let sent = try #require(transport.sent.withLock { $0.first })
                #expect(sent.1.password == "s3creta-de-correo" && sent.1.port == 465 && sent.1.security == .tls && sent.0.from.name == "Demo Cobranzas")
                transport.refuse.withLock { $0 = SMTPFailure(.authentication, "AUTH PLAIN: 535 5.7.8 bad credentials") }
                let refused = try await admin.send(.post, "/admin/mail/test", form: [:])
                #expect(refused.status == .badGateway && String(buffer: refused.body).contains("535 5.7.8 bad credentials"))

                // A failed message is listed with its reason and sent again on request.
                try await f.stores.outbox.enqueue(OutboxDraft(kind: "test", dedupeKey: nil, senderUserID: nil,
                                                              recipients: [.init("cliente@example.com")], subject: "Aviso de vencimiento", text: "x"))
                let delivery = MailDelivery(outbox: f.stores.outbox, accounts: f.stores.mailAccounts, transport: transport, clock: f.clock)
                transport.refuse.withLock { $0 = SMTPFailure(.permanent, "550 5.1.1 no such user") }
                _ = try await delivery.deliverNext()
                let failed = String(buffer: try await admin.send(.get, "/admin/mail?status=failed").body)
                #expect(failed.contains("Aviso de vencimiento") && failed.contains("550 5.1.1 no such user") && failed.contains("Reenviar"))
                let message = try #require(try await f.stores.outbox.list(status: .failed, by: f.admin).first)
                #expect(try await admin.send(.post, "/admin/mail/outbox/\(message.id)/resend", form: [:]).status == .seeOther)
                #expect(try await f.stores.outbox.list(status: .pending, by: f.admin).map(\.id) == [message.id])

                var seller = Browser(client: client)
                _ = try await seller.login("vendedor@demo.test", WebWorld.password)
                #expect(try await seller.send(.get, "/admin/mail").status == .forbidden)
                #expect(try await seller.send(.post, "/admin/mail/outbox/\(message.id)/resend", form: [:]).status == .forbidden)
                // Their own account is theirs: saved, and listed only with their own messages.
                #expect(try await seller.send(.post, "/account/mail", form: [
                    "host": "smtp.vendedor.test", "port": "587", "security": "starttls", "fromAddress": "vendedor@demo.test"]).status == .seeOther)
                let own = String(buffer: try await seller.send(.get, "/account/mail").body)
                #expect(own.contains("smtp.vendedor.test") && !own.contains("Aviso de vencimiento"))
                #expect(try await f.stores.mailAccounts.account(.company)?.draft.host == "smtp.demo.test")
            }
        }
    }
}
