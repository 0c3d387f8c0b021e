import CarteraCore
import Foundation
import SQLKit

/// Writes a realistic demo company: organisation, users at every access level,
/// catalogues, custom fields, and `clients` clients with contacts. Clients go in
/// with multi-row inserts in batches, so 100,000 take seconds, not minutes.
public struct DemoGenerator: Sendable {
    let stores: Stores
    let clock: Clock

    public init(stores: Stores, clock: Clock = .live) { self.stores = stores; self.clock = clock }

    /// What the demo created, for printing.
    public struct Summary: Sendable {
        public let adminEmail: String
        public let clients: Int
        public let contacts: Int
        public let users: Int
    }

    public static let adminEmail = "admin@demo.cartera"

    /// Whether the database already holds a company (demo or real).
    public func isEmpty() async throws -> Bool { try await stores.organisation.company() == nil }

    /// Creates the demo company. `adminPasswordHash` is the admin's bcrypt hash.
    public func generate(clients count: Int, adminPasswordHash: String, seed: UInt64 = 2026) async throws -> Summary {
        var random = SeededRandom(seed: seed)
        _ = try await stores.organisation.saveCompany(name: "Distribuidora Andina S.A.", country: "AR", currency: "ARS",
                                                      locale: "es", timeZone: "America/Argentina/Buenos_Aires",
                                                      expectedVersion: nil, by: nil)
        try await stores.organisation.seedRoles()
        let roles = Dictionary(uniqueKeysWithValues: try await stores.organisation.roles().map { ($0.key, $0.id) })
        let branchNames = ["Buenos Aires", "Córdoba", "Lima", "Ciudad de México"]
        var branches: [Branch.ID] = []
        for name in branchNames { branches.append(try await stores.organisation.createBranch(name: name, by: nil)) }
        var departments: [String: Department.ID] = [:]
        for name in ["Ventas", "Servicio técnico", "Cobranzas", "Administración"] {
            departments[name] = try await stores.organisation.createDepartment(name: name, by: nil)
        }
        var groups: [ClientGroup.ID] = []
        for name in ["Zona Norte", "Zona Sur", "Zona Centro", "Cuentas clave"] {
            groups.append(try await stores.catalogues.createClientGroup(name: name, userIDs: [], by: nil))
        }
        var types: [ClientType.ID] = []
        for (name, color, icon) in [("Comercio", "#1f6feb", "store"), ("Industria", "#b35900", "factory"),
                                    ("Residencial", "#2e7d32", "home"), ("Oficina", "#6f42c1", "office")] {
            types.append(try await stores.catalogues.createClientType(name: name, color: color, icon: icon, by: nil))
        }
        let catalogues = stores.catalogues
        _ = try await catalogues.createCustomField(labelES: "Rubro", labelEN: "Industry", type: .text, required: false,
                                                   showInList: true, choices: [], by: nil)
        _ = try await catalogues.createCustomField(labelES: "Cantidad de equipos", labelEN: "Installed units", type: .integer,
                                                   required: false, showInList: false, choices: [], by: nil)
        _ = try await catalogues.createCustomField(labelES: "Cliente VIP", labelEN: "VIP client", type: .checkbox,
                                                   required: false, showInList: false, choices: [], by: nil)
        _ = try await catalogues.createCustomField(labelES: "Frecuencia de visita", labelEN: "Visit frequency", type: .choice,
                                                   required: false, showInList: false,
                                                   choices: ["Semanal", "Quincenal", "Mensual", "Trimestral"], by: nil)
        _ = try await catalogues.createCustomField(labelES: "Foto del frente", labelEN: "Front photo", type: .photoURL,
                                                   required: false, showInList: false, choices: [], by: nil)

        func user(_ email: String, _ name: String, _ role: String, _ level: AccessLevel, branch: Int, department: String,
                  manager: User.ID? = nil, groups: [ClientGroup.ID] = [], hash: String? = nil) async throws -> User.ID {
            try await stores.users.create(UserDraft(
                email: email, name: name, roleIDs: [roles[role]!], accessLevel: level, branchID: branches[branch],
                departmentID: departments[department], managerID: manager, language: .es,
                timeZone: branch == 2 ? "America/Lima" : branch == 3 ? "America/Mexico_City" : "America/Argentina/Buenos_Aires",
                clientGroupIDs: groups), passwordHash: hash, by: nil)
        }
        let admin = try await user(Self.adminEmail, "Administración Demo", "admin", .company, branch: 0,
                                   department: "Administración", hash: adminPasswordHash)
        var agents: [User.ID] = []
        var collectors: [User.ID] = []
        var technicians: [User.ID] = []
        for (index, branchName) in branchNames.enumerated() {
            let slug = Normalization.compactKey(branchName)
            let supervisor = try await user("supervisor.\(slug)@demo.cartera", "Supervisión \(branchName)", "supervisor", .branch,
                                            branch: index, department: "Ventas", manager: admin)
            for n in 1...2 {
                let name = "\(DemoData.givenNames[(index * 2 + n) % DemoData.givenNames.count]) \(DemoData.surnames[(index * 3 + n) % DemoData.surnames.count])"
                agents.append(try await user("agente\(n).\(slug)@demo.cartera", name, "agent", .own, branch: index,
                                             department: "Ventas", manager: supervisor, groups: [groups[(index + n) % groups.count]]))
            }
            technicians.append(try await user("tecnico.\(slug)@demo.cartera", "Técnico \(branchName)", "technician", .department, branch: index,
                               department: "Servicio técnico", manager: supervisor))
            collectors.append(try await user("cobranza.\(slug)@demo.cartera", "Cobranza \(branchName)", "collector", .own,
                                             branch: index, department: "Cobranzas", manager: supervisor))
        }
        let definitions = try await catalogues.customFields()
        let contacts = try await stores.database.bulkLoad(into: Self.bulkTables) {
            var written = 0, contacts = 0
            while written < count {
                let batch = min(500, count - written)
                contacts += try await insertBatch(batch, serial: written, random: &random, types: types, groups: groups,
                                                  branches: branches, agents: agents, collectors: collectors, definitions: definitions)
                written += batch
            }
            return contacts
        }
        try await addFollowUps(for: [admin] + agents, random: &random)
        try await addActivities(for: [admin] + agents, random: &random)
        try await addNotes(for: [admin] + agents)
        try await addPastVisits(technicians: technicians, owner: admin, random: &random)
        try await addWorkOrders(for: technicians, by: admin, random: &random)
        try await addMaintenanceContracts(technicians: technicians, owner: admin)
        try await addSales(admin: admin, sellers: agents, random: &random)
        return Summary(adminEmail: Self.adminEmail, clients: count, contacts: contacts, users: 1 + branchNames.count * 5)
    }

    /// What `insertBatch` writes, loaded with their indexes built at the end.
    static let bulkTables = ["clients", "contacts", "audit_events", "client_phone_tails", "client_email_keys"]

    /// One transaction: a block of client numbers, the clients, their contacts and audit events.
    func insertBatch(_ size: Int, serial: Int, random: inout SeededRandom, types: [ClientType.ID], groups: [ClientGroup.ID],
                     branches: [Branch.ID], agents: [User.ID], collectors: [User.ID],
                     definitions: [CustomFieldDefinition]) async throws -> Int {
        var drafts: [ClientDraft] = []
        for offset in 0..<size { drafts.append(makeDraft(&random, serial + offset, types, groups, branches, agents, collectors)) }
        var people: [(Int, String, String, String)] = []
        for index in drafts.indices where random.next() % 3 != 0 {
            let name = "\(DemoData.givenNames.randomElement(using: &random)!) \(DemoData.surnames.randomElement(using: &random)!)"
            let email = Normalization.searchKey(name).replacingOccurrences(of: " ", with: ".") + "@correo.example"
            people.append((index, name, ["Compras", "Gerencia", "Mantenimiento", "Administración"].randomElement(using: &random)!, email))
        }
        let now = clock.now()
        let contactRows = people
        return try await stores.database.write { session in
            // Audit events without their fields: a million of them would double the demo's size.
            let ids = try await ClientStore.insertMany(session, drafts, definitions: definitions, userID: nil, at: now,
                                                       action: "create", auditFields: false).map(\.id.rawValue)
            guard !contactRows.isEmpty else { return 0 }
            let firstKey = try await Counters.reserve(session, "contact", contactRows.count).lowerBound
            let contacts: [SQLQueryString] = contactRows.enumerated().map { offset, person in
                let phone = drafts[person.0].phones.first ?? ""
                return """
                    (\(bind: firstKey + Int64(offset)), \(bind: ids[person.0]), \(bind: person.1), \(bind: Normalization.sortKey(person.1)),
                     \(bind: person.2), \(bind: person.3), \(bind: phone), \(bind: Normalization.digits(phone)), \(session.instant(now)), \(session.instant(now)))
                    """
            }
            try await session.run("""
                INSERT INTO contacts (contact_key, client_id, name, name_key, role, email, phone, phone_digits, created_at, updated_at)
                VALUES \(contacts.joined(separator: ", "))
                """)
            return contactRows.count
        }
    }

    /// `serial` makes tax ids unique: the demo never trips the duplicate-tax-id rule.
    func makeDraft(_ r: inout SeededRandom, _ serial: Int, _ types: [ClientType.ID], _ groups: [ClientGroup.ID], _ branches: [Branch.ID],
                   _ agents: [User.ID], _ collectors: [User.ID]) -> ClientDraft {
        let city = DemoData.cities.randomElement(using: &r)!
        let surname = DemoData.surnames.randomElement(using: &r)!
        let trade = DemoData.trades.randomElement(using: &r)!
        let suffix = city.country == "MX" ? "S.A. de C.V." : city.country == "PE" ? ["S.A.C.", "EIRL", "S.A."].randomElement(using: &r)!
            : DemoData.suffixes.randomElement(using: &r)!
        let legalName = "\(trade) \(surname) \(suffix)"
        let digits = { (n: Int, r: inout SeededRandom) in String((0..<n).map { _ in Character(String(r.next() % 10)) }) }
        let (taxID, kind): (String, TaxIDKind) = switch city.country {
        case "AR": ("30-\(String(format: "%08d", serial))-\(digits(1, &r))", .cuit)
        case "PE": ("20\(String(format: "%09d", serial))", .ruc)
        default: ("\(String(surname.prefix(3)).uppercased().folding(options: .diacriticInsensitive, locale: nil))\(String(format: "%07d", serial))\(["A1", "B2", "C3"].randomElement(using: &r)!)", .rfc)
        }
        let phone: String = switch city.country {
        case "AR": "+54 9 11 \(digits(4, &r))-\(digits(4, &r))"
        case "PE": "+51 9\(digits(2, &r)) \(digits(3, &r)) \(digits(3, &r))"
        default: "+52 55 \(digits(4, &r)) \(digits(4, &r))"
        }
        let branch = branches[city.country == "PE" ? 2 : city.country == "MX" ? 3 : (city.name == "Córdoba" ? 1 : 0)]
        let jitter = { (r: inout SeededRandom) in (Double(r.next() % 20_000) / 20_000 - 0.5) * 0.3 }
        let slug = Normalization.compactKey("\(trade) \(surname)")
        var custom: [String: CustomFieldValue] = ["rubro": .text(DemoData.industries.randomElement(using: &r)!),
                                                  "cantidad_de_equipos": .integer(Int64(r.next() % 40))]
        if r.next() % 10 == 0 { custom["cliente_vip"] = .bool(true) }
        custom["frecuencia_de_visita"] = .text(["Semanal", "Quincenal", "Mensual", "Trimestral"].randomElement(using: &r)!)
        return ClientDraft(
            legalName: legalName, tradeName: r.next() % 2 == 0 ? "\(trade) \(surname)" : nil, taxID: taxID, taxIDKind: kind,
            clientTypeID: types.randomElement(using: &r), clientGroupID: groups.randomElement(using: &r), branchID: branch,
            salesAgentID: agents.randomElement(using: &r), collectorID: r.next() % 2 == 0 ? collectors.randomElement(using: &r) : nil,
            address: Address(street: DemoData.streets.randomElement(using: &r), number: String(100 + r.next() % 4000),
                             city: city.name, state: city.state, postalCode: String(1000 + r.next() % 8000), country: city.country),
            latitude: city.lat + jitter(&r), longitude: city.lon + jitter(&r), emails: ["contacto@\(slug).example"],
            phones: [phone], description: r.next() % 4 == 0 ? "Cliente desde \(2005 + r.next() % 20). Atención por la mañana." : nil,
            customFields: custom)
    }
}
