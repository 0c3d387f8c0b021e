import CarteraZlib
import Foundation

/// A zip file written front to back, one entry at a time, each deflated by zlib
/// as its bytes arrive: nothing of an entry is kept in memory or copied through
/// a second file. The sizes and CRC-32 are written into each entry's header
/// once it ends (the file is seekable), so no data descriptors are needed and
/// every reader opens it. No ZIP64: a file past 4 GiB is refused.
final class ZipWriter {
    struct TooLarge: Error {}

    private struct Entry {
        let name: [UInt8]
        let offset: UInt64
        var crc: UInt = 0
        var compressed: UInt64 = 0
        var uncompressed: UInt64 = 0
    }

    private let handle: FileHandle
    private let level: Int32
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var output = [UInt8](repeating: 0, count: 1 << 18)
    private var offset: UInt64 = 0
    private var entries: [Entry] = []
    private var open: Entry?
    private let dosTime: UInt16
    private let dosDate: UInt16

    /// `level` is zlib's: 1 is about three times faster than the default 6 on
    /// sheet XML for a file a fifth larger (docs/performance.md).
    init(url: URL, level: Int32 = 1, modified: Date = Date()) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
        self.level = level
        stream.initialize(to: z_stream())
        let parts = Calendar(identifier: .gregorian).dateComponents(in: .gmt, from: modified)
        dosTime = UInt16((parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2)
        dosDate = UInt16(max(0, (parts.year ?? 1980) - 1980) << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1))
    }

    deinit {
        if open != nil { deflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        try? handle.close()
    }

    /// A whole entry at once.
    func add(_ name: String, _ bytes: [UInt8]) throws {
        try begin(name)
        try write(bytes)
        try end()
    }

    /// Starts an entry: its local header, with sizes and CRC still zero.
    func begin(_ name: String) throws {
        precondition(open == nil, "an entry is already open")
        let entry = Entry(name: Array(name.utf8), offset: offset)
        try put(localHeader(entry))
        // zlib's state points back at `stream`, which is why it never moves.
        guard deflateInit2_(stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CocoaError(.fileWriteUnknown)
        }
        open = entry
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var entry = open else { preconditionFailure("no entry is open") }
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: Bytef.self), !bytes.isEmpty else { return }
        entry.crc = crc32(entry.crc, base, uInt(bytes.count))
        entry.uncompressed += UInt64(bytes.count)
        open = entry
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base)
        stream.pointee.avail_in = uInt(bytes.count)
        try deflateAll(flush: Z_NO_FLUSH)
    }

    /// Ends the open entry and writes its sizes and CRC into its local header.
    func end() throws {
        try deflateAll(flush: Z_FINISH)
        deflateEnd(stream)
        guard var entry = open else { preconditionFailure("no entry is open") }
        open = nil
        entry.compressed = offset - entry.offset - 30 - UInt64(entry.name.count)
        guard entry.uncompressed <= UInt32.max, offset <= UInt32.max else { throw TooLarge() }
        var sizes: [UInt8] = []
        sizes.le32(UInt32(entry.crc)); sizes.le32(UInt32(entry.compressed)); sizes.le32(UInt32(entry.uncompressed))
        try handle.seek(toOffset: entry.offset + 14)
        try handle.write(contentsOf: sizes)
        try handle.seek(toOffset: offset)
        entries.append(entry)
    }

    /// Writes the central directory and closes the file.
    func close() throws {
        precondition(open == nil, "an entry is still open")
        let start = offset
        for entry in entries { try put(centralHeader(entry)) }
        guard offset <= UInt32.max else { throw TooLarge() }
        var end: [UInt8] = []
        end.le32(0x0605_4B50); end.le16(0); end.le16(0)
        end.le16(UInt16(entries.count)); end.le16(UInt16(entries.count))
        end.le32(UInt32(offset - start)); end.le32(UInt32(start)); end.le16(0)
        try put(end)
        try handle.close()
    }

    private func deflateAll(flush: Int32) throws {
        let outputCount = output.count
        while true {
            let (status, produced) = output.withUnsafeMutableBufferPointer { buffer in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(outputCount)
                let status = deflate(stream, flush)
                return (status, outputCount - Int(stream.pointee.avail_out))
            }
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw CocoaError(.fileWriteUnknown)
            }
            if produced > 0 { try put(output[0..<produced]) }
            // Done when zlib took all the input and had room to spare (or ended the stream).
            if flush == Z_FINISH ? status == Z_STREAM_END : stream.pointee.avail_in == 0 && produced < outputCount { return }
        }
    }

    private func put(_ bytes: some DataProtocol) throws {
        try handle.write(contentsOf: bytes)
        offset += UInt64(bytes.count)
    }

    private func localHeader(_ entry: Entry) -> [UInt8] {
        var header: [UInt8] = []
        header.le32(0x0403_4B50); header.le16(20); header.le16(0x0800); header.le16(8)
        header.le16(dosTime); header.le16(dosDate)
        header.le32(0); header.le32(0); header.le32(0) // CRC and sizes, written by `end()`
        header.le16(UInt16(entry.name.count)); header.le16(0)
        return header + entry.name
    }

    private func centralHeader(_ entry: Entry) -> [UInt8] {
        var header: [UInt8] = []
        header.le32(0x0201_4B50); header.le16(20); header.le16(20); header.le16(0x0800); header.le16(8)
        header.le16(dosTime); header.le16(dosDate)
        header.le32(UInt32(entry.crc)); header.le32(UInt32(entry.compressed)); header.le32(UInt32(entry.uncompressed))
        header.le16(UInt16(entry.name.count)); header.le16(0); header.le16(0); header.le16(0); header.le16(0)
        header.le32(0); header.le32(UInt32(entry.offset))
        return header + entry.name
    }
}

private extension [UInt8] {
    mutating func le16(_ value: UInt16) { append(UInt8(value & 0xFF)); append(UInt8(value >> 8)) }
    mutating func le32(_ value: UInt32) { le16(UInt16(value & 0xFFFF)); le16(UInt16(value >> 16)) }
}

/// A `ZipWriter` fed from another thread: `write` hands the bytes over and returns,
/// so zlib deflates on a second core while the caller builds what comes next (zlib
/// was a quarter of an export's CPU). At most `depth` chunks wait; a failure comes
/// back from the next `sync`. Sendable because the zip is only touched on `queue`.
final class BackgroundZipWriter: @unchecked Sendable {
    private let zip: ZipWriter
    private let queue = DispatchQueue(label: "cartera.zip")
    private let slots: DispatchSemaphore
    private var failure: (any Error)?

    init(_ zip: ZipWriter, depth: Int = 4) {
        self.zip = zip
        slots = DispatchSemaphore(value: depth)
    }

    /// Queues bytes for the open entry.
    func write(_ bytes: [UInt8]) {
        slots.wait()
        queue.async {
            defer { self.slots.signal() }
            guard self.failure == nil else { return }
            do { try self.zip.write(bytes) } catch { self.failure = error }
        }
    }

    /// Runs `body` once every queued write is done; throws the first failure instead.
    func sync<R>(_ body: (ZipWriter) throws -> R) throws -> R {
        try queue.sync {
            if let failure { throw failure }
            return try body(zip)
        }
    }
}
