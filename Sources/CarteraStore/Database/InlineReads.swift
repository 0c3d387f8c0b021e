extension Database {
    /// Whether this task's SQLite reads run on its own thread rather than the pool's.
    @TaskLocal static var readsInline = false

    /// Runs `body` (a page whose reads are bounded: index lookups, a page of rows, capped
    /// counts) with its SQLite `SELECT`s run on the calling thread. Handing each statement
    /// to the pool's threads and back costs two thread wake-ups, more than such a statement
    /// itself: the client card (nineteen statements) answered 80 % more requests a second
    /// without them. Writes still go to the pool's threads (they may wait for the write lock),
    /// and so do reads outside such a body (exports, reports, the heat map), which can run
    /// long and would hold one of the few threads Swift runs every request on.
    public static func readingInline<R>(_ enabled: Bool = true, _ body: () async throws -> R) async rethrows -> R {
        try await $readsInline.withValue(enabled) { try await body() }
    }
}
