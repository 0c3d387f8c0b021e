extension Database {
    /// Whether this task's SQLite reads run on its own thread rather than the pool's.
    @TaskLocal static var readsInline = false
    /// The PostgreSQL connection this task's statements share, if it runs a bounded page.
    @TaskLocal static var heldConnection: HeldConnection?

    /// Runs `body` (a page whose reads are bounded: index lookups, a page of rows, capped
    /// counts) with its SQLite `SELECT`s run on the calling thread. Handing each statement
    /// to the pool's threads and back costs two thread wake-ups, more than such a statement
    /// itself: the client card (nineteen statements) answered 80 % more requests a second
    /// without them. Writes still go to the pool's threads (they may wait for the write lock),
    /// and so do reads outside such a body (exports, reports, the heat map), which can run
    /// long and would hold one of the few threads Swift runs every request on.
    ///
    /// On PostgreSQL the body's statements, writes included, share one connection
    /// (`HeldConnection`), so such a body must not write from two tasks at once.
    public static func readingInline<R>(_ enabled: Bool = true, _ body: () async throws -> R) async rethrows -> R {
        guard enabled else {
            return try await $readsInline.withValue(false) { try await $heldConnection.withValue(nil) { try await body() } }
        }
        let held = HeldConnection()
        do {
            let result = try await $readsInline.withValue(true) { try await $heldConnection.withValue(held) { try await body() } }
            await held.giveBack()
            return result
        } catch {
            await held.giveBack()
            throw error
        }
    }
}

extension Database {
    /// Runs reads that do not depend on each other, and returns what each read. In a bounded
    /// page on PostgreSQL they start together: their statements queue on the page's one
    /// connection (`HeldConnection`) and go out back to back, where one read after another
    /// waited for the request's task to be woken between statements (the card's p99 under
    /// load, median of eight alternating runs, 74 → 64 ms). Elsewhere they run one after
    /// another: on SQLite the reads are on the request's thread and a child task each costs
    /// more than such a read; outside a bounded page each would take a connection of its own.
    /// Every read is waited for, even after one failed, so none outlives the page's connection.
    public func reads<each T: Sendable>(_ read: repeat @escaping @Sendable () async throws -> each T) async throws -> (repeat each T) {
        guard kind == .postgres, Self.heldConnection != nil else { return (repeat try await (each read)()) }
        let started = (repeat Task { try await (each read)() })
        let results = (repeat await (each started).result)
        return (repeat try (each results).get())
    }
}
