@testable import CarteraStore
import Synchronization
import Testing

@Suite("Statements queued behind a transaction's own work")
struct WriteBehindTests {
    struct Boom: Error, Equatable {}

    @Test("queued work runs one at a time, in order; a failure stops what follows and is thrown once")
    func order() async throws {
        let log = Mutex<[Int]>([])
        var behind = WriteBehind()
        for index in 0..<20 {
            behind.queue {
                // The later ones would overtake a slow earlier one if they ran side by side.
                if index % 3 == 0 { try await Task.sleep(for: .milliseconds(2)) }
                log.withLock { $0.append(index) }
            }
        }
        try await behind.settle()
        #expect(log.withLock { $0 } == Array(0..<20))

        behind.queue { log.withLock { $0.append(20) } }
        behind.queue { throw Boom() }
        behind.queue { log.withLock { $0.append(22) } }
        await #expect(throws: Boom()) { try await behind.settle() }
        #expect(log.withLock { $0 }.suffix(2) == [19, 20])
        try await behind.settle()  // nothing left: the failure was reported

        behind.queue { throw Boom() }
        await behind.drain()
        try await behind.settle()
    }
}
