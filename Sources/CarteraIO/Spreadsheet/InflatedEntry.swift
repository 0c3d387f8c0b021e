import Foundation
import ZIPFoundation

/// One entry of a zip file inflated on a thread of its own and handed over a chunk at a
/// time, so the sheet's parser starts on the first rows while the rest is inflated:
/// inflating a 70 MB sheet into a temporary file first kept every other thread waiting a
/// third of a second, and wrote and read the file back. At most `depth` chunks wait;
/// inflating more than `budget` bytes fails with `tooLarge` (zip bombs); a reader that
/// goes (`close`) stops the inflating.
final class InflatedEntry: @unchecked Sendable {
    static let depth = 4
    /// The entry's size as the archive states it, for progress.
    let size: UInt64
    private let condition = NSCondition()
    private var chunks: [Data] = []
    private var taken: UInt64 = 0
    private var finished = false
    private var failure: SheetReadError?
    private var closed = false

    private struct Closed: Error {}

    init(_ archive: Archive, _ entry: Entry, budget: UInt64) {
        size = entry.uncompressedSize
        // The archive and its entry are used by this thread alone from here on.
        nonisolated(unsafe) let (archive, entry) = (archive, entry)
        let thread = Thread { [self] in
            Thread.current.name = "cartera-inflate"
            var left = budget
            var pending = Data()
            do {
                _ = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { chunk in
                    guard UInt64(chunk.count) <= left else { throw SheetReadError.tooLarge }
                    left -= UInt64(chunk.count)
                    pending.append(chunk)
                    if pending.count >= XMLScanner.chunk {
                        try put(pending)
                        pending = Data()
                    }
                }
                if !pending.isEmpty { try put(pending) }
                finish(nil)
            } catch is Closed {
            } catch let error as SheetReadError {
                finish(error)
            } catch {
                finish(.notASpreadsheet)  // a broken deflate stream or checksum
            }
        }
        thread.start()
    }

    /// The next chunk, waiting for it; nil after the last; the inflating's failure in its place.
    func take() throws(SheetReadError) -> Data? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !finished { condition.wait() }
        guard !chunks.isEmpty else {
            if let failure { throw failure }
            return nil
        }
        let chunk = chunks.removeFirst()
        taken += UInt64(chunk.count)
        condition.broadcast()
        return chunk
    }

    /// Bytes handed over so far.
    var offset: UInt64 { condition.withLock { taken } }

    /// The reader has gone: the inflating stops at its next chunk.
    func close() {
        condition.withLock {
            closed = true
            chunks = []
            condition.broadcast()
        }
    }

    private func put(_ chunk: Data) throws {
        try condition.withLock {
            while chunks.count >= Self.depth && !closed { condition.wait() }
            if closed { throw Closed() }
            chunks.append(chunk)
            condition.broadcast()
        }
    }

    private func finish(_ failure: SheetReadError?) {
        condition.withLock {
            finished = true
            self.failure = failure
            condition.broadcast()
        }
    }
}
