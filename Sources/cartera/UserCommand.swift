import ArgumentParser
import CarteraCore
import CarteraStore
import CarteraWeb
import Foundation

/// `cartera user create`: adds a user from the command line (first admin, scripts).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user.")
        @OptionGroup var db: DatabaseOptions
        @Option var email: String
        @Option var name: String
        @Option(help: "Role key (admin, supervisor, agent, technician, collector); repeatable.") var role: [String] = []
        @Option(help: "Access level 1-4 (1 company, 2 branch, 3 department, 4 own).") var accessLevel: Int?
        @Option(help: "Branch name (created if missing).") var branch: String?
        @Option(help: "Department name (created if missing).") var department: String?
        @Option(help: "E-mail of the user's manager.") var manager: String?
        @Option(help: "Client group name (created if missing); repeatable.") var group: [String] = []
        @Option(help: "es or en.") var language = "es"
        @Option(help: "IANA time zone.") var timeZone = "America/Argentina/Buenos_Aires"
        @Flag(help: "Read the password from standard input.") var passwordStdin = false

        func run() async throws {
            var hash: String?
            if passwordStdin {
                let password = (readLine(strippingNewline: true) ?? "")
                guard password.count >= Passwords.minimumLength else {
                    throw CommandFailure("the password needs at least \(Passwords.minimumLength) characters")
                }
                hash = try await Passwords.hash(password)
            }
            try await withDatabase(db) { database in
                let stores = Stores(database: database)
                if try await stores.organisation.company() == nil {
                    _ = try await stores.organisation.saveCompany(name: "Mi empresa", country: "AR", currency: "ARS", locale: language,
                                                                  timeZone: timeZone, expectedVersion: nil, by: nil)
                }
                try await stores.organisation.seedRoles()
                let roles = try await stores.organisation.roles()
                let keys = role.isEmpty ? ["agent"] : role
                let roleIDs = try keys.map { key in
                    guard let found = roles.first(where: { $0.key == key }) else {
                        throw CommandFailure("unknown role '\(key)'; known: \(roles.map(\.key).joined(separator: ", "))")
                    }
                    return found.id
                }
                let level = accessLevel.flatMap(AccessLevel.init) ?? (keys.contains(Role.adminKey) ? .company : .own)
                if let accessLevel, AccessLevel(rawValue: accessLevel) == nil { throw CommandFailure("--access-level must be 1 to 4") }
                var managerID: User.ID?
                if let manager {
                    guard let found = try await stores.users.user(email: manager) else { throw CommandFailure("no user \(manager)") }
                    managerID = found.id
                }
                var groupIDs: [ClientGroup.ID] = []
                for name in group { groupIDs.append(try await stores.catalogues.clientGroupID(named: name, by: nil)) }
                let draft = UserDraft(
                    email: email, name: name, roleIDs: roleIDs, accessLevel: level,
                    branchID: try await branch.asyncMap { try await stores.organisation.branchID(named: $0, by: nil) },
                    departmentID: try await department.asyncMap { try await stores.organisation.departmentID(named: $0, by: nil) },
                    managerID: managerID, language: Language(rawValue: language), timeZone: timeZone, clientGroupIDs: groupIDs)
                do {
                    let id = try await stores.users.create(draft, passwordHash: hash, by: nil)
                    print("User \(email) created (id \(id)).")
                } catch let failure as ValidationFailure {
                    throw CommandFailure(failure.errors.map { "\($0.field): \($0.code)" }.joined(separator: "; "))
                }
            }
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
