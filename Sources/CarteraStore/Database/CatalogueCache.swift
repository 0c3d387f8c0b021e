import Synchronization

/// What every request reads and almost nothing writes — the signed-in user with
/// roles and team, users, client types and groups, branches, custom fields,
/// asset kinds, activity categories — kept between requests. Every write to those
/// tables bumps `catalogue_generation` by trigger (migration 023), so a write made
/// through any path, on any instance, is seen by the next read; a read costs one
/// one-row query instead of several. Values read under an older generation are
/// dropped as soon as a newer one is seen. (A database restored to an older
/// generation needs the servers restarted, as any restore does.)
final class CatalogueCache: Sendable {
    private struct State {
        var generation: Int64 = 0
        var values: [String: any Sendable] = [:]
    }
    private let state = Mutex(State())

    /// What was kept for `key` under `generation`. Unwrapped before the cast: a missing key
    /// cast to an optional `T` (a viewer that may not exist) would read as a kept `nil`.
    func value<T: Sendable>(_ key: String, generation: Int64) -> T? {
        state.withLock { state in
            guard state.generation == generation, let kept = state.values[key] else { return nil }
            return kept as? T
        }
    }

    func store(_ value: some Sendable, _ key: String, generation: Int64) {
        state.withLock { state in
            guard generation >= state.generation else { return }
            if generation > state.generation { state = State(generation: generation) }
            state.values[key] = value
        }
    }
}

extension Database {
    /// `load`'s result, read again only when a catalogue table changed since it was kept.
    /// The generation is read first: what `load` reads is then at least that new.
    func cached<T: Sendable>(_ key: String, _ load: (Session) async throws -> T) async throws -> T {
        try await read { session in
            let generation = try await session.first("SELECT value FROM catalogue_generation WHERE id = 1")?.int("value") ?? 0
            if let kept: T = catalogues.value(key, generation: generation) { return kept }
            let value = try await load(session)
            catalogues.store(value, key, generation: generation)
            return value
        }
    }
}
