import Synchronization

/// One PostgreSQL connection shared by every statement of a bounded page (`Database.readingInline`):
/// taken from the pool at the page's first statement, given back when the page is done, where each
/// statement took and gave back one of its own (the card runs seventeen).
final class HeldConnection: Sendable {
    private struct Held {
        let pool: ObjectIdentifier
        let taking: Task<KeptStatementsConnection, any Error>
        let giveBack: @Sendable (KeptStatementsConnection) async -> Void
    }
    private let state = Mutex<Held?>(nil)

    /// The connection held for `pool`, taken by `take` for the first statement (statements
    /// started together wait for the same one); nil when this page already holds a connection
    /// of another database, which then lends its own as usual.
    func connection(of pool: ObjectIdentifier, take: @escaping @Sendable () async throws -> KeptStatementsConnection,
                    giveBack: @escaping @Sendable (KeptStatementsConnection) async -> Void) async throws -> KeptStatementsConnection? {
        let taking: Task<KeptStatementsConnection, any Error>? = state.withLock { held in
            if let held { return held.pool == pool ? held.taking : nil }
            let taking = Task { try await take() }
            held = Held(pool: pool, taking: taking, giveBack: giveBack)
            return taking
        }
        return try await taking?.value
    }

    /// Gives the connection back, if one was taken.
    func giveBack() async {
        guard let held = state.withLock({ held in defer { held = nil }; return held }),
              let connection = try? await held.taking.value else { return }
        await held.giveBack(connection)
    }
}
