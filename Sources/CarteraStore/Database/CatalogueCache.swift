import SQLKit
import Synchronization

/// What every request reads and almost nothing writes — the signed-in user with
/// roles and team, users, client types and groups, branches, custom fields,
/// asset kinds, activity categories, master tables and their items' first page,
/// form templates — kept between requests. Every write to those
/// tables bumps `catalogue_generation` by trigger (migrations 023 and 029), so a write made
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

/// The counter as one request first read it, so that a page reading eight catalogues
/// asks for it once: the request sees the catalogues as they were when it began, as if it
/// had run a moment earlier. A write made by the request forgets it, so the request
/// reads what it wrote. Bound by `Database.readingCataloguesOnce`.
final class CatalogueCheck: Sendable {
    let generation = Mutex<Int64?>(nil)
}

extension Database {
    @TaskLocal static var catalogueCheck: CatalogueCheck?

    /// Runs `body` (a request) with one counter check for all its catalogue reads.
    public static func readingCataloguesOnce<R>(_ body: () async throws -> R) async rethrows -> R {
        try await $catalogueCheck.withValue(CatalogueCheck()) { try await body() }
    }

    /// `load`'s result, read again only when a catalogue table changed since it was kept.
    /// The generation is read first: what `load` reads is then at least that new. When the
    /// request already knows it and the value is kept, no connection is taken at all.
    func cached<T: Sendable>(_ key: String, _ load: (Session) async throws -> T) async throws -> T {
        let check = Self.catalogueCheck
        let known = check?.generation.withLock { $0 }
        if let known, let kept: T = catalogues.value(key, generation: known) { return kept }
        return try await read { session in
            let generation: Int64
            if let known {
                generation = known
            } else {
                generation = try await session.first("SELECT value FROM catalogue_generation WHERE id = 1")?.int("value") ?? 0
                check?.generation.withLock { $0 = generation }
            }
            if let kept: T = catalogues.value(key, generation: generation) { return kept }
            let value = try await load(session)
            catalogues.store(value, key, generation: generation)
            return value
        }
    }

    /// The counter as a column of a request's first statement (its session's or token's
    /// lookup), so that its catalogue reads need no statement of their own (`noteCatalogueGeneration`).
    static let catalogueGenerationColumn: SQLQueryString =
        "(SELECT value FROM catalogue_generation WHERE id = 1) AS catalogue_generation"

    /// Takes the counter read by `catalogueGenerationColumn` as the request's, unless it knows one.
    func noteCatalogueGeneration(_ row: Row) throws {
        let generation = try row.int("catalogue_generation")
        Self.catalogueCheck?.generation.withLock { $0 = $0 ?? generation }
    }

    /// After a request's own write: its next catalogue read checks the counter again.
    func forgetCatalogueCheck() {
        Self.catalogueCheck?.generation.withLock { $0 = nil }
    }
}
