import CarteraCore
import Foundation
import SQLKit

/// What the demo's clients refer to: its catalogues and people.
struct DemoCompany: Sendable {
    let types: [ClientType.ID]
    let groups: [ClientGroup.ID]
    let branches: [Branch.ID]
    let agents: [User.ID]
    let collectors: [User.ID]
    let technicians: [User.ID]
    let admin: User.ID
    let definitions: [CustomFieldDefinition]
}

/// New clients made before the transaction that writes them: their rows, a
/// contact for two in three and a last visit for three in four (by position).
struct DemoBlock: Sendable {
    /// A contact of the block's client at `index`, with its name's sort key and the client's first phone.
    struct Person: Sendable {
        let index: Int; let name: String; let nameKey: String; let role: String; let email: String; let phone: String
        let phoneDigits: String
    }
    struct Visit: Sendable { let index: Int; let finishedAt: Date; let openedAt: Date; let technician: User.ID }
    var clients: [ClientRowValues] = []
    var people: [Person] = []
    var visits: [Visit] = []
}

/// Makes the demo's clients a block at a time from two seeded streams: one for
/// the clients and their contacts, drawn in the same order whatever the
/// transaction size, and one for their visits.
struct DemoClientSource: Sendable {
    let company: DemoCompany
    var random: SeededRandom
    var visits: SeededRandom
    let now: Date

    /// The blocks of one transaction, and the source as they leave it: pure, so the
    /// next transaction's blocks are made while the current one is written.
    func blocks(serial: Int, count: Int) -> (blocks: [DemoBlock], after: DemoClientSource) {
        var source = self
        let size = DemoGenerator.blockSize
        let blocks = stride(from: serial, to: serial + count, by: size).map {
            source.block(serial: $0, size: min(size, serial + count - $0))
        }
        return (blocks, source)
    }

    private mutating func block(serial: Int, size: Int) -> DemoBlock {
        var block = DemoBlock()
        // Some time in the last eight months, opened four hours to three days before it
        // was finished, by each technician in turn: the heat map shows every colour.
        // (Visits draw from their own stream, so they may be made before the clients.)
        var lastVisits = [Date?](repeating: nil, count: size)
        for index in 0..<size where !company.technicians.isEmpty && (serial + index + 1) % 4 != 0 {
            let finished = now.addingTimeInterval(-Double(Int.random(in: 1...240, using: &visits)) * 86_400)
            let opened = finished.addingTimeInterval(-Double(Int.random(in: 4...72, using: &visits)) * 3600)
            let technician = company.technicians[(serial + index + 1) / 4 % company.technicians.count]
            block.visits.append(.init(index: index, finishedAt: finished, openedAt: opened, technician: technician))
            // Its only finished order, so its last visit.
            lastVisits[index] = finished
        }
        for offset in 0..<size {
            block.clients.append(ClientRowValues(DemoGenerator.makeDraft(&random, serial + offset, company),
                                                 definitions: company.definitions, lastVisitAt: lastVisits[offset]))
        }
        for index in block.clients.indices where random.next() % 3 != 0 {
            let name = "\(DemoData.givenNames.randomElement(using: &random)!) \(DemoData.surnames.randomElement(using: &random)!)"
            let role = ["Compras", "Gerencia", "Mantenimiento", "Administración"].randomElement(using: &random)!
            let nameKey = Normalization.sortKey(name)
            let email = nameKey.replacingOccurrences(of: " ", with: ".") + "@correo.example"
            let phone = block.clients[index].draft.phones.first ?? ""
            block.people.append(.init(index: index, name: name, nameKey: nameKey, role: role, email: email, phone: phone,
                                      phoneDigits: Normalization.digits(phone)))
        }
        return block
    }
}

extension DemoGenerator {
    /// What `loadClients` writes, loaded with their indexes built at the end.
    static let bulkTables = ["clients", "contacts", "audit_events", "client_phone_tails", "client_email_keys", "client_name_words",
                              "work_orders"]
    /// Clients per multi-row statement.
    static let blockSize = ClientStore.insertBlock
    /// Clients per transaction: fewer commits write each page of a table to the WAL fewer times.
    static let transactionSize = 10 * blockSize

    /// Writes `count` clients a transaction at a time, the next transaction's
    /// blocks made on another core while SQLite writes the current one; returns
    /// how many contacts it wrote.
    func loadClients(_ count: Int, from source: inout DemoClientSource) async throws -> Int {
        var (pending, after) = source.blocks(serial: 0, count: min(Self.transactionSize, count))
        var written = 0
        var contacts = 0
        while !pending.isEmpty {
            written += pending.reduce(0) { $0 + $1.clients.count }
            let current = after
            async let next = current.blocks(serial: written, count: min(Self.transactionSize, count - written))
            contacts += try await write(pending, company: source.company)
            (pending, after) = await next
        }
        source = after
        return contacts
    }

    /// One transaction: each block's clients (with numbers, lookup keys and audit
    /// events), their contacts, and their visits as finished work orders. Its pages
    /// (about 6 MB) stay in the cache until the commit instead of spilling to the WAL;
    /// the commit does not wait for the disk (the bulk load syncs at its end).
    private func write(_ blocks: [DemoBlock], company: DemoCompany) async throws -> Int {
        let now = clock.now()
        return try await stores.database.write(syncing: false) { session in try await session.withPageCache(megabytes: 64) {
            for block in blocks {
                // Audit events without their fields: a million of them would double the demo's size.
                let ids = try await ClientStore.insertMany(session, block.clients, userID: nil, at: now,
                                                           action: "create").map(\.id.rawValue)
                try await Self.insertContacts(session, block, ids: ids, at: now)
                try await Self.insertVisits(session, block, ids: ids, owner: company.admin)
            }
            return blocks.reduce(0) { $0 + $1.people.count }
        } }
    }

    private static func insertContacts(_ session: Session, _ block: DemoBlock, ids: [Int64], at now: Date) async throws {
        guard !block.people.isEmpty else { return }
        let firstKey = try await Counters.reserve(session, "contact", block.people.count).lowerBound
        let rows: [[BoundCell]] = block.people.enumerated().map { offset, person in
            [.integer(firstKey + Int64(offset)), .integer(ids[person.index]), .text(person.name), .text(person.nameKey), .text(person.role),
             .text(person.email), .text(person.phone), .text(person.phoneDigits), .instant(now), .instant(now)]
        }
        _ = try await session.insert(into: "contacts", columns: ["contact_key", "client_id", "name", "name_key", "role", "email", "phone",
                                                                 "phone_digits", "created_at", "updated_at"], rows: rows)
    }

    static let visitDescription = "Visita de mantenimiento preventivo"
    static let visitWords = Normalization.searchKey(visitDescription)

    /// The visits as finished work orders (their clients were written with them as their last visit).
    private static func insertVisits(_ session: Session, _ block: DemoBlock, ids: [Int64], owner: User.ID) async throws {
        guard !block.visits.isEmpty else { return }
        let first = try await Counters.reserve(session, "work_order", block.visits.count).lowerBound
        let orders: [[BoundCell]] = block.visits.enumerated().map { offset, visit in
            [.integer(first + Int64(offset)), .integer(ids[visit.index]), .text("normal"), .integer(owner.rawValue),
             .integer(visit.technician.rawValue), .text(visitDescription), .text("finished"), .instant(visit.finishedAt), .text(visitWords),
             .instant(visit.openedAt), .instant(visit.finishedAt)]
        }
        _ = try await session.insert(into: "work_orders", columns: [
            "order_number", "client_id", "priority", "owner_id", "assignee_id", "description", "status", "finished_at",
            "search_words", "created_at", "updated_at"], rows: orders)
    }
}

extension DemoGenerator {
    /// `serial` makes tax ids unique: the demo never trips the duplicate-tax-id rule.
    static func makeDraft(_ r: inout SeededRandom, _ serial: Int, _ company: DemoCompany) -> ClientDraft {
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
        let (types, groups, agents, collectors) = (company.types, company.groups, company.agents, company.collectors)
        let branch = company.branches[city.country == "PE" ? 2 : city.country == "MX" ? 3 : (city.name == "Córdoba" ? 1 : 0)]
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
