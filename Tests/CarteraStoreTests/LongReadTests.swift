@testable import CarteraStore
import CarteraTestSupport
import Synchronization
import Testing

@Suite("Long reads share half the pool")
struct LongReadTests {
    final class Probe: Sendable {
        let state = Mutex((running: 0, most: 0, released: false))
    }

    @Test("at most half the pool's connections serve long reads at once; an ordinary read still gets one meanwhile")
    func half() async throws {
        try await TestDatabase.with { db in
            let half = db.pool.capacity / 2
            let probe = Probe()
            func running() -> Int { probe.state.withLock { $0.running } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<(half + 2) {
                    group.addTask {
                        try await db.longRead { session in
                            _ = try await session.first("SELECT 1 AS one")
                            probe.state.withLock { $0.running += 1; $0.most = max($0.most, $0.running) }
                            while !probe.state.withLock({ $0.released }) { try await Task.sleep(for: .milliseconds(5)) }
                            probe.state.withLock { $0.running -= 1 }
                        }
                    }
                }
                for _ in 0..<400 where running() < half { try await Task.sleep(for: .milliseconds(5)) }
                #expect(running() == half)
                try await Task.sleep(for: .milliseconds(100))
                #expect(running() == half)  // the other two wait for a permit, not a connection
                let answer = try await db.read { try await $0.first("SELECT 2 AS two")!.int("two") }
                #expect(answer == 2)
                probe.state.withLock { $0.released = true }
                try await group.waitForAll()
            }
            #expect(probe.state.withLock { $0.most } == half)
        }
    }
}
