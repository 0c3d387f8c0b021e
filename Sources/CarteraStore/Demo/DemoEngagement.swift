import CarteraCore
import Foundation

extension DemoGenerator {
    static let followUpTitles = ["Llamar para confirmar el pedido", "Enviar la cotización", "Visitar para relevar equipos",
                                 "Cobrar factura vencida", "Presentar la nueva lista de precios", "Coordinar la entrega",
                                 "Pedir referencias", "Renovar el contrato de mantenimiento"]

    /// A few follow-ups per seller and for the admin, on their own clients, due
    /// from five days ago to twelve days ahead in office hours, so every panel
    /// tab has something in it.
    func addFollowUps(for people: [User.ID], random: inout SeededRandom) async throws {
        let now = clock.now()
        for person in people {
            guard let viewer = try await stores.users.viewer(person) else { continue }
            let own = try await ownClients(of: viewer, limit: 8)
            for (index, client) in own.enumerated() {
                // The first three land today, tomorrow and overdue, whatever the seed.
                let days = index < 3 ? [0, 1, -2][index] : Int.random(in: -5...12, using: &random)
                let hour = Int.random(in: 9...17, using: &random)
                let due = now.addingTimeInterval(Double(days * 86_400 + (index < 3 ? 3600 : (hour - 12) * 3600))).rounded(to: 1800)
                let draft = FollowUpDraft(responsibleID: person, title: Self.followUpTitles[(index + days + 5) % Self.followUpTitles.count],
                                          colour: FollowUp.Colour.allCases[index % FollowUp.Colour.allCases.count], dueAt: due,
                                          remindMinutesBefore: index % 3 == 0 ? 60 : nil)
                _ = try await stores.followUps.create(clientID: client.id, draft, by: viewer)
            }
        }
    }
}

extension DemoGenerator {
    static let activityDetails = ["Relevó los equipos instalados y tomó fotos.", "Llamó por la entrega demorada.",
                                  "Presentó el catálogo nuevo; pidió cotización.", "Revisó la cuenta corriente con el encargado.",
                                  "Dejó muestras para probar."]

    /// The activity categories, and a few activities per seller on their clients
    /// over the last two weeks, the older ones done.
    func addActivities(for people: [User.ID], random: inout SeededRandom) async throws {
        var categories: [ActivityCategory.ID] = []
        for name in ["Visita", "Llamada", "Demostración", "Reunión"] {
            categories.append(try await stores.organisation.createActivityCategory(name: name, by: nil))
        }
        let now = clock.now()
        for person in people {
            guard let viewer = try await stores.users.viewer(person) else { continue }
            let own = try await ownClients(of: viewer, limit: 6)
            for (index, client) in own.enumerated() {
                let daysAgo = Int.random(in: 0...14, using: &random)
                let draft = ActivityDraft(categoryID: categories[index % categories.count], userID: person,
                                          detail: Self.activityDetails[(index + daysAgo) % Self.activityDetails.count],
                                          at: now.addingTimeInterval(-Double(daysAgo * 86_400)).rounded(to: 1800))
                let activity = try await stores.activities.create(clientID: client.id, draft, by: viewer)
                if daysAgo > 3 { _ = try await stores.activities.setStatus(activity.id, .done, by: viewer) }
            }
        }
    }
}

extension DemoGenerator {
    static let noteTexts: [NoteDraft] = [
        NoteDraft(text: "Pide factura A a nombre de la casa central.", location: "Bibliorato 3", treatment: "Facturar desde central"),
        NoteDraft(text: "Equipo en garantía hasta marzo.", location: "Carpeta de garantías"),
        NoteDraft(text: "Reclamo por demora de entrega; se ofreció descuento.", treatment: "Descuento 5 % en el próximo pedido"),
    ]

    /// A few notes by each seller on their clients.
    func addNotes(for people: [User.ID]) async throws {
        for person in people {
            guard let viewer = try await stores.users.viewer(person), viewer.canWriteNotes else { continue }
            let own = try await ownClients(of: viewer, limit: 3)
            for (index, client) in own.enumerated() {
                _ = try await stores.notes.create(clientID: client.id, Self.noteTexts[index % Self.noteTexts.count], by: viewer)
            }
        }
    }
}

extension DemoGenerator {
    /// The first `limit` clients a seller is the agent of (any client for the admin), uncounted:
    /// counting a seller's clients through their scope took 0.2 s at a million.
    func ownClients(of viewer: Viewer, limit: Int) async throws -> [Client] {
        try await stores.clients.list(ClientQuery(filters: viewer.isAdmin ? [] : [.salesAgent(viewer.user.id)], limit: limit, counting: .none),
                                      scope: .of(viewer)).clients
    }
}

extension Date {
    /// Down to a whole number of `seconds` since the epoch (due times on the half hour).
    func rounded(to seconds: TimeInterval) -> Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 / seconds).rounded(.down) * seconds)
    }
}
