import NIOCore

/// Runs a session's code on its connection's event loop. PostgresNIO answers every
/// statement on that loop; from Swift's shared pool each statement cost two thread
/// switches (there and back) and the futex wake-ups with them, a third of the card's
/// CPU on PostgreSQL. On the loop, the answer resumes the session where it arrives.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
