import CarteraCore
import CarteraIO
import CarteraJobs
import CarteraStore
import CarteraTestSupport
import Foundation
import Synchronization
import Testing

/// A mail server stand-in: records what it accepts, or fails as told, in order.
final class RecordingTransport: MailTransport {
    let sent = Mutex<[(MailMessage, SMTPSettings)]>([])
    let failures = Mutex<[SMTPFailure]>([])

    func send(_ message: MailMessage, via settings: SMTPSettings) async throws {
        if let failure = failures.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { throw failure }
        sent.withLock { $0.append((message, settings)) }
    }
}

/// A time the test moves forward.
final class Moment: Sendable {
    let value = Mutex(Fixture.now)
    var now: Date { value.withLock { $0 } }
}

/// Stores over the fixture's database whose clock the test moves, with a sealing key.
struct MailWorld {
    let fixture: Fixture
    let stores: Stores
    let moment = Moment()
    let transport = RecordingTransport()
    let delivery: MailDelivery

    init(_ fixture: Fixture) {
        self.fixture = fixture
        let moment = moment
        let clock = Clock { moment.now }
        stores = Stores(database: fixture.stores.database, clock: clock, sealingKey: SealingKey(secret: "una clave de prueba bastante larga"))
        delivery = MailDelivery(outbox: stores.outbox, accounts: stores.mailAccounts, transport: transport, clock: clock)
    }

    func advance(minutes: Double) { moment.value.withLock { $0 = $0.addingTimeInterval(minutes * 60) } }

    func deliverAll() async throws { while try await delivery.deliverNext() {} }

    static let account = MailAccountDraft(host: "127.0.0.1", port: 2525, security: .none, username: "avisos", password: "secreta",
                                          fromName: "Demo S.A.", fromAddress: "avisos@demo.test")
}

@Suite("Outbox and mail accounts")
struct OutboxTests {
    @Test("a due reminder is queued once, sent once from the company account; temporary failures retry later, permanent ones fail")
    func reminders() async throws {
        try await TestDatabase.with { db in
            let world = MailWorld(try await Fixture.make(db))
            let f = world.fixture, stores = world.stores
            let seller = try await f.user("vendedora@demo.test", name: "Ana Vendedora")
            let client = try await f.client("Ferretería López")
            let due = Fixture.now.addingTimeInterval(3_600)
            let followUp = try await stores.followUps.create(clientID: client.id, FollowUpDraft(
                responsibleID: seller.id, title: "Llamar por la cotización", dueAt: due, remindMinutesBefore: 30), by: f.admin)
            let compose: @Sendable (DueReminder) -> OutboxDraft = { due in
                OutboxDraft(kind: "follow_up_reminder", dedupeKey: nil, senderUserID: nil,
                            recipients: [.init(due.responsible.email, name: due.responsible.name)],
                            subject: "Recordatorio: \(due.listing.followUp.draft.title)", text: due.listing.clientName)
            }
            #expect(try await stores.followUps.queueDueReminders(compose: compose) == 0)   // not yet: 30 minutes before is later
            world.advance(minutes: 31)
            #expect(try await stores.followUps.queueDueReminders(compose: compose) == 1)
            #expect(try await stores.followUps.queueDueReminders(compose: compose) == 0)   // once

            // No company account yet: the message waits, with the reason, and goes once the account is saved.
            try await world.deliverAll()
            let held = try #require(try await stores.outbox.list(status: .held, by: f.admin).first)
            #expect(held.lastError == "no_company_account" && held.attempts == 0)
            await #expect(throws: ValidationFailure([FieldError("password", "no_secret_key")])) {   // never stored in the clear
                try await Stores(database: db, clock: f.clock).mailAccounts.save(.company, MailWorld.account, expectedVersion: nil, by: f.admin)
            }
            try await stores.mailAccounts.save(.company, MailWorld.account, expectedVersion: nil, by: f.admin)
            // Sealed with the configured key: another key cannot open it.
            let otherKey = Stores(database: db, clock: f.clock, sealingKey: SealingKey(secret: "otra clave, de otro servidor"))
            #expect(try await otherKey.mailAccounts.credentials(.company).map { $0.passwordUnreadable && $0.password == nil } == true)
            world.transport.failures.withLock { $0 = [SMTPFailure(.temporary, "451 try later")] }
            try await world.deliverAll()
            let retried = try #require(try await stores.outbox.list(status: .pending, by: f.admin).first)
            #expect(retried.attempts == 1 && retried.lastError == "451 try later" && retried.nextAttemptAt > world.moment.now)
            try await world.deliverAll()
            #expect(world.transport.sent.withLock { $0.isEmpty })   // not before its time
            world.advance(minutes: 2)
            try await world.deliverAll()
            let sent = world.transport.sent.withLock { $0 }
            #expect(sent.count == 1 && sent[0].0.to.map(\.address) == ["vendedora@demo.test"] && sent[0].0.from.address == "avisos@demo.test")
            #expect(sent[0].1.password == "secreta" && sent[0].0.subject == "Recordatorio: Llamar por la cotización")
            #expect(try await stores.outbox.list(status: .sent, by: f.admin).first?.sentFrom == "avisos@demo.test")
            world.advance(minutes: 600)
            try await world.deliverAll()
            #expect(world.transport.sent.withLock { $0.count } == 1)   // never twice

            // Moving the reminder asks for a new one; a refused recipient fails for good, and an admin may resend it.
            var moved = followUp.draft
            moved.dueAt = world.moment.now.addingTimeInterval(600)
            _ = try await stores.followUps.update(followUp.id, moved, expectedVersion: followUp.version, by: f.admin)
            #expect(try await stores.followUps.queueDueReminders(compose: compose) == 1)
            world.transport.failures.withLock { $0 = [SMTPFailure(.permanent, "550 no such user")] }
            try await world.deliverAll()
            let failed = try #require(try await stores.outbox.list(status: .failed, by: f.admin).first)
            #expect(failed.lastError == "550 no such user")
            await #expect(throws: StoreError.forbidden) { try await stores.outbox.resend(failed.id, by: seller) }
            try await stores.outbox.resend(failed.id, by: f.admin)
            try await world.deliverAll()
            #expect(world.transport.sent.withLock { $0.count } == 2)
        }
    }

    @Test("a collector's message waits while their account is missing or refuses the login, unless the company stands in")
    func collectorAccounts() async throws {
        try await TestDatabase.with { db in
            let world = MailWorld(try await Fixture.make(db))
            let f = world.fixture, stores = world.stores
            let collector = try await f.user("cobranza@demo.test", roles: ["collector"])
            try await stores.mailAccounts.save(.company, MailWorld.account, expectedVersion: nil, by: f.admin)
            try await stores.outbox.enqueue(OutboxDraft(kind: "test", dedupeKey: "k1", senderUserID: collector.id,
                                                        recipients: [.init("cliente@example.com")], subject: "Aviso", text: "Vence"))
            try await stores.outbox.enqueue(OutboxDraft(kind: "test", dedupeKey: "k1", senderUserID: collector.id,
                                                        recipients: [.init("cliente@example.com")], subject: "Aviso", text: "Vence"))
            try await world.deliverAll()
            let held = try await stores.outbox.list(status: .held, senderUserID: collector.id, by: collector)
            #expect(held.count == 1 && held[0].lastError == "no_sender_account")   // the same dedupe key made one message
            await #expect(throws: StoreError.forbidden) {
                try await stores.mailAccounts.save(.user(collector.id), MailWorld.account, expectedVersion: nil, by: try await f.user("otro@demo.test"))
            }
            var own = MailWorld.account
            own.fromAddress = "cobranza@demo.test"
            own.password = "mala"
            let saved = try await stores.mailAccounts.save(.user(collector.id), own, expectedVersion: nil, by: collector)
            #expect(saved.hasPassword && saved.draft.password == nil)   // never read back
            world.transport.failures.withLock { $0 = [SMTPFailure(.authentication, "AUTH PLAIN: 535 bad credentials")] }
            try await world.deliverAll()
            #expect(try await stores.mailAccounts.account(.user(collector.id))?.failingReason == "AUTH PLAIN: 535 bad credentials")
            #expect(try await stores.outbox.list(status: .held, by: f.admin).first?.lastError == "sender_account_failing")
            // Saving the account (the password fixed) lets it go, from the collector's own address.
            own.password = "buena"
            _ = try await stores.mailAccounts.save(.user(collector.id), own, expectedVersion: saved.version, by: collector)
            try await world.deliverAll()
            let sent = world.transport.sent.withLock { $0 }
            #expect(sent.count == 1 && sent[0].0.from.address == "cobranza@demo.test" && sent[0].1.password == "buena")

            // Without an account and with the company standing in, the company's address sends it.
            let other = try await f.user("cobranza2@demo.test", roles: ["collector"])
            try await stores.outbox.enqueue(OutboxDraft(kind: "test", dedupeKey: "k2", senderUserID: other.id,
                                                        recipients: [.init("cliente@example.com")], subject: "Aviso", text: "Vence"))
            try await world.deliverAll()
            #expect(try await stores.outbox.counts()[.held] == 1)
            try await stores.mailAccounts.setFallback(true, by: f.admin)
            try await world.deliverAll()
            #expect(world.transport.sent.withLock { $0.last?.0.from.address } == "avisos@demo.test")
            #expect(try await stores.outbox.counts()[.sent] == 2)
        }
    }

    @Test("two deliverers never claim the same message")
    func claims() async throws {
        try await TestDatabase.with { db in
            let world = MailWorld(try await Fixture.make(db))
            for n in 0..<20 {
                try await world.stores.outbox.enqueue(OutboxDraft(kind: "test", dedupeKey: "c\(n)", senderUserID: nil,
                                                                  recipients: [.init("x\(n)@example.com")], subject: "S", text: "T"))
            }
            let claimed = try await withThrowingTaskGroup(of: [OutboxMessage.ID].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var mine: [OutboxMessage.ID] = []
                        while let message = try await world.stores.outbox.claimNext() { mine.append(message.id) }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == 20 && Set(claimed).count == 20)
        }
    }
}
