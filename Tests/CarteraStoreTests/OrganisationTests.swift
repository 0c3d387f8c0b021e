import CarteraCore
import CarteraStore
import CarteraTestSupport
import Foundation
import Testing

@Suite("Organisation, sessions and tokens")
struct OrganisationTests {
    @Test("migrations are idempotent")
    func migrationsTwice() async throws {
        try await TestDatabase.with { db in
            let appliedAgain = try await Migrator(database: db).migrate()
            #expect(appliedAgain.isEmpty)
        }
    }

    @Test("a manager cannot be their own subordinate")
    func managerCycle() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let boss = try await f.user("boss@demo.test")
            let worker = try await f.user("worker@demo.test", manager: boss.id)
            let user = try await f.stores.users.user(boss.id)!
            var draft = UserDraft(email: user.email, name: user.name, roleIDs: user.roleIDs, accessLevel: .own)
            draft.managerID = worker.id
            await #expect(throws: ValidationFailure([FieldError("managerId", "manager_cycle")])) {
                try await f.stores.users.update(boss.id, draft, expectedVersion: user.version, by: nil)
            }
        }
    }

    @Test("a secret is kept as the lowercase hex of its SHA-256, as stored sessions and tokens already are")
    func secretHash() {
        // FIPS 180-2 test vector; stored hashes must not change form.
        #expect(Secret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Secret.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("sessions are stored hashed and expire when idle")
    func sessions() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let (token, session) = try await f.stores.sessions.start(userID: f.admin.id)
            #expect(session.tokenHash != token)
            #expect(try await f.stores.sessions.resume(token: token)?.userID == f.admin.id)
            #expect(try await f.stores.sessions.resume(token: "forged") == nil)
            let later = SessionStore(database: db, clock: .fixed(Fixture.now.addingTimeInterval(9 * 3600)))
            #expect(try await later.resume(token: token) == nil)
            #expect(try await f.stores.sessions.resume(token: token) == nil)
        }
    }

    @Test("API tokens authenticate until revoked")
    func tokens() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let (id, secret) = try await f.stores.tokens.create(userID: f.admin.id, name: "ERP")
            #expect(try await f.stores.tokens.authenticate(secret) == f.admin.id)
            try await f.stores.tokens.revoke(id, userID: f.admin.id)
            #expect(try await f.stores.tokens.authenticate(secret) == nil)
        }
    }

    @Test("login failures slow down the account and the address, never for good")
    func throttle() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let sessions = f.stores.sessions
            for _ in 0..<3 { try await sessions.recordLoginFailure(account: "admin@demo.test", address: "10.0.0.1") }
            #expect(try await sessions.loginDelay(account: "admin@demo.test", address: "10.0.0.9") > 0)
            #expect(try await sessions.loginDelay(account: "other@demo.test", address: "10.0.0.9") == 0)
            let later = SessionStore(database: db, clock: .fixed(Fixture.now.addingTimeInterval(20 * 60)))
            #expect(try await later.loginDelay(account: "admin@demo.test", address: "10.0.0.1") == 0)
        }
    }
}

@Suite("Branches and departments")
struct NamedCatalogueTests {
    @Test("names are unique whatever their accents; renaming and deactivating is versioned and audited")
    func renameAndDeactivate() async throws {
        try await TestDatabase.with { db in
            let f = try await Fixture.make(db)
            let organisation = f.stores.organisation
            let id = try await organisation.createBranch(name: "Córdoba", by: f.admin.id)
            await #expect(throws: ValidationFailure([FieldError("name", "duplicate")])) {
                try await organisation.createBranch(name: "cordoba", by: f.admin.id)
            }
            try await organisation.updateBranch(id, name: "Córdoba Centro", active: false, expectedVersion: 1, by: f.admin.id)
            let branch = try await organisation.branches().first { $0.id == id }!
            #expect(branch.name == "Córdoba Centro" && !branch.active && branch.version == 2)
            await #expect(throws: StoreError.versionConflict(current: 2)) {
                try await organisation.updateBranch(id, name: "Otra", active: true, expectedVersion: 1, by: f.admin.id)
            }
        }
    }
}
