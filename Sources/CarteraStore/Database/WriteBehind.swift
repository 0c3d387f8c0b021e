/// Statements of one transaction whose outcome its caller need not wait for, run one
/// after another, in the order queued, while the caller goes on with work of its own
/// (an import builds its next block while the last one's audit events are written). The
/// caller must `settle` before it uses the connection itself, and before the transaction
/// ends either way: a statement still running beside a `ROLLBACK` would leave the
/// transaction and commit on its own.
struct WriteBehind {
    private var last: Task<Void, any Error>?

    /// Runs `body` after everything queued before it; after a failure, nothing more runs
    /// and `settle` throws it.
    mutating func queue(_ body: @escaping @Sendable () async throws -> Void) {
        let previous = last
        last = Task {
            try await previous?.value
            try await body()
        }
    }

    /// Waits for what was queued; throws the first failure.
    mutating func settle() async throws {
        guard let last else { return }
        self.last = nil
        try await last.value
    }

    /// Waits for what was queued, its failure aside: before a rollback, whose own error
    /// is the one to report.
    mutating func drain() async {
        try? await settle()
    }
}
