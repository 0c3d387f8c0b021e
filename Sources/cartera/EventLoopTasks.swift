import CarteraStore
import NIOCore
import NIOPosix

/// On PostgreSQL, Swift's tasks run on NIO's event loops instead of Swift's own pool
/// (docs/decisions.md, "Tasks on the event loops with PostgreSQL"). A request then stays
/// on the loop that read it, and a statement's answer resumes its task where it was read,
/// without a thread switch at each of its round trips: the quick search's p99 at a million
/// clients, median of alternating loads, 50.5 → 38.8 ms; the funnel 352–368 → 402–408 req/s. Not on SQLite,
/// whose short reads run inline on the request's thread and would hold up every
/// connection of its loop (docs/performance.md, twelfth pass). Work that blocks a thread
/// (bcrypt, a sheet's inflating, a zip's deflating) runs on threads of its own already.
enum EventLoopTasks {
    /// Once per process, before the server starts; later tasks go to the loops.
    static func adopt(for database: Database) {
        guard database.kind == .postgres else { return }
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
