import CarteraCore
import CarteraIO
import CarteraJobs
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Receivables and their notices")
struct ReceivableTests {
    static func money(_ text: String) -> Money { Money.parse(text, currency: "ARS")! }

    @Test("notice concepts say when an invoice is due for them")
    func concepts() {
        let before = NoticeConcept(id: .init(1), description: "", days: 7, kind: .beforeDue, active: true, version: 1)
        let after = NoticeConcept(id: .init(2), description: "", days: 7, kind: .afterDue, active: true, version: 1)
        let due = CalendarDate("2026-10-01")!
        #expect(!before.applies(due: due, today: CalendarDate("2026-09-23")!) && before.applies(due: due, today: CalendarDate("2026-09-24")!))
        #expect(before.applies(due: due, today: due) && !before.applies(due: due, today: CalendarDate("2026-10-02")!))
        #expect(!after.applies(due: due, today: CalendarDate("2026-10-07")!) && after.applies(due: due, today: CalendarDate("2026-10-08")!))
        #expect(CalendarDate("2024-02-28")!.adding(days: 1).description == "2024-02-29" && due.adding(days: -7).description == "2026-09-24")
        #expect(NoticeText.render("Estimado {cliente}: la factura {Factura} vence el {vencimiento}. {otro}",
                                  ["client": "Ñandú SRL", "invoice": "A-1", "due_date": "01/10/2026"])
                == "Estimado Ñandú SRL: la factura A-1 vence el 01/10/2026. {otro}")
        #expect(NoticeText.unknownPlaceholders("{saldo} {dias} {nada}") == ["nada"])
    }

    @Test("invoices stay with their client's scope; numbers are unique; dates and amounts are checked")
    func invoices() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let north = try await f.stores.catalogues.createClientGroup(name: "Norte", userIDs: [], by: nil)
            let seller = try await f.user("vendedor@demo.test", groups: [north])
            let hidden = try await f.client("Del Sur")
            let draft = ReceivableDraft(number: "A-0001-00000123", issueDate: CalendarDate("2026-09-01")!, dueDate: CalendarDate("2026-10-01")!,
                                        amount: Self.money("1.500,00"), balance: Self.money("1.500,00"))
            let made = try await f.stores.receivables.create(clientID: hidden.id, draft, by: f.admin)
            await #expect(throws: ValidationFailure([FieldError("number", "duplicate")])) {
                var again = draft
                again.number = "a-0001-00000123"
                _ = try await f.stores.receivables.create(clientID: hidden.id, again, by: f.admin)
            }
            await #expect(throws: ValidationFailure([FieldError("dueDate", "before_start")])) {
                var early = draft
                early.number = "B-1"
                early.dueDate = CalendarDate("2026-08-01")!
                _ = try await f.stores.receivables.create(clientID: hidden.id, early, by: f.admin)
            }
            await #expect(throws: StoreError.notFound) { _ = try await f.stores.receivables.create(clientID: hidden.id, draft, by: seller) }
            #expect(try await f.stores.receivables.receivable(made.id, by: seller) == nil)
            #expect(try await f.stores.receivables.list(by: seller).isEmpty)
            #expect(try await f.stores.receivables.list(by: f.admin).count == 1)
            #expect(try await f.stores.receivables.openCount(clientID: hidden.id, by: f.admin) == 1)
            #expect(try await f.stores.receivables.openCount(clientID: hidden.id, by: seller) == 0)
            var paid = made.draft
            paid.balance = Self.money("0")
            let saved = try await f.stores.receivables.update(made.id, paid, expectedVersion: made.version, by: f.admin)
            #expect(!saved.isOpen)
            #expect(try await f.stores.receivables.list(openOnly: true, by: f.admin).isEmpty)
            #expect(try await f.stores.receivables.openCount(clientID: hidden.id, by: f.admin) == 0)
            await #expect(throws: StoreError.versionConflict(current: saved.version)) {
                _ = try await f.stores.receivables.update(made.id, paid, expectedVersion: made.version, by: f.admin)
            }
        }
    }

    @Test("each invoice gets its reminder and its after-due notice once, from the collector's account; paid ones nothing; consolidated in one message")
    func notices() async throws {
        try await TestDatabase.with { db in
            let world = MailWorld(try await Fixture.make(db))
            let f = world.fixture, stores = world.stores
            let collector = try await f.user("cobranza@demo.test", roles: ["collector"])
            let client = try await f.client("Ñandú Logística SRL", collector: collector.id, emails: ["pagos@nandu.example"])
            let contact = try await stores.contacts.create(clientID: client.id, name: "Inés Tesorería", role: nil, email: "ines@nandu.example",
                                                           phone: nil, by: f.admin)
            let other = try await f.client("Sin Cobrador SA", emails: ["admin@sincobrador.example"])
            let concepts = try await stores.notices.concepts()
            let before = try #require(concepts.first { $0.kind == .beforeDue }), after = try #require(concepts.first { $0.kind == .afterDue })
            #expect(before.days == 7 && after.days == 7)
            // Fixture.now is 2026-09-21 in Buenos Aires.
            func invoice(_ number: String, _ client: Client, due: String, balance: String = "1.234,50") async throws -> Receivable {
                try await stores.receivables.create(clientID: client.id, ReceivableDraft(
                    number: number, issueDate: CalendarDate("2026-09-01")!, dueDate: CalendarDate(due)!, amount: Self.money("1.234,50"),
                    balance: Self.money(balance)), by: f.admin)
            }
            let a = try await invoice("A-1", client, due: "2026-10-01")
            _ = try await invoice("A-2", client, due: "2026-09-25", balance: "0")   // paid
            _ = try await invoice("B-1", other, due: "2026-09-25")
            _ = try await invoice("B-2", other, due: "2026-09-26")

            await #expect(throws: ValidationFailure([FieldError("subject", "required"), FieldError("reminderBody", "unknown_placeholder", ["monto"])])) {
                _ = try await stores.notices.saveSettings(clientID: client.id, NoticeSettings(
                    active: true, reminderConceptID: before.id, reminderBody: "Debe {monto}"), by: f.admin)
            }
            await #expect(throws: ValidationFailure([FieldError("reminderConceptId", "unknown_reference")])) {
                _ = try await stores.notices.saveSettings(clientID: client.id, NoticeSettings(
                    active: true, subject: "Aviso", reminderConceptID: after.id, reminderBody: "x"), by: f.admin)
            }
            _ = try await stores.notices.saveSettings(clientID: client.id, NoticeSettings(
                active: true, subject: "Factura {factura}: vence el {vencimiento}", contactIDs: [contact.id], reminderConceptID: before.id,
                afterDueEnabled: true, afterDueConceptID: after.id,
                reminderBody: "Estimado {cliente}: la factura {factura} por {saldo} vence el {vencimiento}.",
                afterDueBody: "La factura {factura} venció hace {dias} días."), by: f.admin)
            _ = try await stores.notices.saveSettings(clientID: other.id, NoticeSettings(
                active: true, subject: "Facturas por vencer", reminderConceptID: before.id, reminderBody: "Vencen:\n{facturas}",
                consolidated: true), by: f.admin)

            // 2026-09-21: A-1 is due in 10 days (not yet); B-1 and B-2 within 7 days: one message for both.
            #expect(try await stores.notices.queueDue() == 1)
            var queued = try await stores.outbox.list(status: .pending, by: f.admin)
            #expect(queued.count == 1 && queued[0].senderUserID == nil && queued[0].text == "Vencen:\n- B-1 · 25/09/2026 · 1.234,50 ARS\n- B-2 · 26/09/2026 · 1.234,50 ARS")
            #expect(try await stores.notices.queueDue() == 0)
            world.advance(minutes: 3 * 1440)   // 2026-09-24: A-1's reminder
            #expect(try await stores.notices.queueDue() == 1)
            queued = try await stores.outbox.list(status: .pending, by: f.admin)
            let reminder = try #require(queued.first { $0.clientID == client.id })
            #expect(reminder.senderUserID == collector.id && reminder.subject == "Factura A-1: vence el 01/10/2026")
            #expect(reminder.text == "Estimado Ñandú Logística SRL: la factura A-1 por 1.234,50 ARS vence el 01/10/2026.")
            #expect(Set(reminder.recipients.map(\.address)) == ["pagos@nandu.example", "ines@nandu.example"])
            world.advance(minutes: 7 * 1440)   // 2026-10-01: due today, already reminded
            #expect(try await stores.notices.queueDue() == 0)
            world.advance(minutes: 7 * 1440)   // 2026-10-08: 7 days after
            #expect(try await stores.notices.queueDue() == 1)
            #expect(try await stores.notices.queueDue() == 0)
            let listed = try await stores.notices.notices(clientID: client.id, by: f.admin)
            #expect(listed.map(\.conceptDescription) == [after.description, before.description] && listed.allSatisfy { $0.invoiceNumber == "A-1" })

            // The collector has no account: the messages wait for it; the admin sees why.
            try await stores.mailAccounts.save(.company, MailWorld.account, expectedVersion: nil, by: f.admin)
            try await world.deliverAll()
            let sent = world.transport.sent.withLock { $0.map(\.0) }
            #expect(sent.count == 1 && sent[0].subject == "Facturas por vencer")   // the client without collector, from the company
            #expect(try await stores.outbox.list(status: .held, senderUserID: collector.id, by: collector).map(\.lastError)
                    == ["no_sender_account", "no_sender_account"])
            #expect(try await stores.notices.notices(clientID: client.id, by: f.admin).first?.status == .held)
            _ = a
        }
    }

    @Test("a spreadsheet creates invoices and updates known numbers, all or nothing, within the importer's scope")
    func importing() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let client = try await f.client("Ñandú Logística SRL")
            let header = ["N.º de cliente", "Factura", "Emisión", "Vencimiento", "Importe", "Saldo", "Pagada"]
            let rows = [["\(client.clientNumber)", "A-1", "01/09/2026", "2026-10-01", "1.234,50", "1.234,50", "no"],
                        ["\(client.clientNumber)", "A-2", "2026-09-01", "2026-09-30", "2.000", "", ""],
                        ["999", "A-3", "2026-09-01", "2026-08-01", "x", "", "quizás"]]
            let bad = try await f.stores.receivables.importReceivables(header: header, rows: rows, commit: true, by: f.admin)
            #expect(!bad.committed && bad.problems.map { "\($0.row):\($0.error.field):\($0.error.code)" }
                    == ["4:clientNumber:not_found", "4:amount:invalid_amount", "4:paid:invalid_choice"])
            #expect(try await f.stores.receivables.list(by: f.admin).isEmpty)
            let done = try await f.stores.receivables.importReceivables(header: header, rows: Array(rows.prefix(2)), commit: true, by: f.admin)
            #expect(done.committed && done.created == 2)
            let a2 = try #require(try await f.stores.receivables.list(by: f.admin).first { $0.receivable.draft.number == "A-2" }?.receivable)
            #expect(a2.draft.balance.minor == 200_000 && a2.draft.amount.currency == "ARS")
            let payment = [["\(client.clientNumber)", "A-1", "", "", "", "0", "sí"], rows[1]]
            let again = try await f.stores.receivables.importReceivables(header: header, rows: payment, commit: true, by: f.admin)
            #expect(again.committed && again.updated == 1 && again.unchanged == 1)
            #expect(try await f.stores.receivables.list(openOnly: true, by: f.admin).map(\.receivable.draft.number) == ["A-2"])
        }
    }
}
