import Foundation
import Synchronization

/// Calls `produce` on a thread of its own, keeping up to `depth` blocks of its
/// results ahead of the reader. A reader that spends its time awaiting
/// something else (an import waiting on SQLite's thread) finds the next rows
/// already made on the other core. `produce` returns `nil` at the end; what it
/// throws comes out of `next` where its element would have.
public struct ReadAhead<Element: Sendable> {
    private var blocks: AsyncThrowingStream<[Element], any Error>.Iterator
    private var block: [Element] = []
    private var index = 0
    private let control: Control

    public init(blockSize: Int, depth: Int, _ produce: sending @escaping () throws -> Element?) {
        let control = Control(depth: depth)
        let (stream, continuation) = AsyncThrowingStream<[Element], any Error>.makeStream()
        continuation.onTermination = { _ in control.stop() }
        let producer = Handover(produce)
        let thread = Thread {
            // Named from inside: a name given before `start` never reaches the system (15 characters at most).
            Thread.current.name = "cartera-ahead"
            let produce = producer.value
            while control.take() {
                var made: [Element] = []
                made.reserveCapacity(blockSize)
                do {
                    while made.count < blockSize, let element = try produce() { made.append(element) }
                } catch {
                    if !made.isEmpty { continuation.yield(made) }
                    return continuation.finish(throwing: error)
                }
                if !made.isEmpty { continuation.yield(made) }
                if made.count < blockSize { break }
            }
            continuation.finish()
        }
        thread.start()
        blocks = stream.makeAsyncIterator()
        self.control = control
    }

    /// The next element, or `nil` after the last.
    public mutating func next() async throws -> Element? {
        if index == block.count {
            guard let next = try await blocks.next() else { return nil }
            control.free()
            block = next
            index = 0
        }
        defer { index += 1 }
        return block[index]
    }

    /// Lets the thread end without making the rest (a reader that stops early).
    public func stop() { control.stop() }

    /// Room for blocks not yet read, and whether the reader has gone.
    private final class Control: Sendable {
        let room: DispatchSemaphore
        let stopped = Atomic<Bool>(false)

        init(depth: Int) { room = DispatchSemaphore(value: depth) }

        /// Waits for room for one more block; false once the reader has stopped.
        func take() -> Bool {
            room.wait()
            return !stopped.load(ordering: .acquiring)
        }

        func free() { room.signal() }

        func stop() {
            if !stopped.exchange(true, ordering: .acquiringAndReleasing) { room.signal() }
        }
    }

    /// `produce` moved to the thread: `sending` means no one else holds it.
    private final class Handover: @unchecked Sendable {
        let value: () throws -> Element?
        init(_ value: sending @escaping () throws -> Element?) { self.value = value }
    }
}
