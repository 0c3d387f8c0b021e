import Synchronization

/// The sessions and tokens whose "last seen" clock a task of this process is writing now. Requests
/// of the same moment that find the clock due skip their own write rather than queue behind it: the
/// bench's sixteen requests at once of one session each ran the `UPDATE` once a minute, waiting on
/// the first one's row lock (mean 5.3 ms, up to 38 ms). The `UPDATE`s themselves are conditional too,
/// so other instances' requests of that moment find nothing left to write.
final class TouchesUnderWay: Sendable {
    private let keys = Mutex<Set<String>>([])

    /// Runs `write` unless another task of this process is touching `key`.
    func touch(_ key: String, _ write: () async throws -> Void) async throws {
        guard keys.withLock({ $0.insert(key).inserted }) else { return }
        defer { keys.withLock { _ = $0.remove(key) } }
        try await write()
    }
}
