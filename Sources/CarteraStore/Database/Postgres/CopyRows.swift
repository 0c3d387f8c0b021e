import CarteraCore
import Foundation
import NIOCore

/// Rows in PostgreSQL's `COPY … FROM STDIN` text format: a tab between values, a newline
/// after each row, `\N` for NULL, and backslash, tab, newline and carriage return escaped.
/// Bulk rows go this way on PostgreSQL (`Session.insert`): a multi-row INSERT of a
/// thousand clients bound 30,000 values, each through PostgresKit's `Encodable`
/// translation (half of Cartera's CPU in the demo), and had PostgreSQL parse and plan
/// 30,000 parameters; the demo's load at a million clients went 237 -> 135 s.
struct CopyRows {
    /// Written to the server a chunk at a time.
    let chunks: [ByteBuffer]
    static let chunkSize = 256 << 10

    init(_ rows: some Sequence<[BoundCell]>) {
        var chunks: [ByteBuffer] = []
        var buffer = ByteBufferAllocator().buffer(capacity: Self.chunkSize + 4096)
        for row in rows {
            for (index, cell) in row.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                Self.write(cell, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
            if buffer.readableBytes >= Self.chunkSize {
                chunks.append(buffer)
                buffer = ByteBufferAllocator().buffer(capacity: Self.chunkSize + 4096)
            }
        }
        if buffer.readableBytes > 0 { chunks.append(buffer) }
        self.chunks = chunks
    }

    private static func write(_ cell: BoundCell, into buffer: inout ByteBuffer) {
        switch cell {
        case .null: buffer.writeStaticString("\\N")
        case .integer(let n): buffer.writeString(String(n))
        case .real(let x): buffer.writeString(String(x))
        case .text(let text): writeText(text, into: &buffer)
        case .instant(let date): writeInstant(date, into: &buffer)
        }
    }

    /// Text with COPY's four special bytes escaped; the rest copied as it is.
    private static func writeText(_ text: String, into buffer: inout ByteBuffer) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() {
                let escaped: UInt8
                switch byte {
                case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
                case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
                case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
                case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
                default: continue
                }
                buffer.writeBytes(bytes[start..<index])
                buffer.writeInteger(UInt8(ascii: "\\"))
                buffer.writeInteger(escaped)
                start = index + 1
            }
            buffer.writeBytes(bytes[start...])
        }
    }

    /// An instant as `YYYY-MM-DD HH:MM:SS.ffffff+00`, to the microsecond PostgresNIO
    /// would bind it with (truncated, counted from 2000-01-01).
    static func writeInstant(_ date: Date, into buffer: inout ByteBuffer) {
        let sinceMillennium = Int64(date.timeIntervalSince(millennium) * 1_000_000)
        let micros = sinceMillennium + 946_684_800 * 1_000_000
        let (days, dayMicros) = floorDivision(micros, 86_400 * 1_000_000)
        let day = Civil(dayNumber: Int(days))
        let seconds = dayMicros / 1_000_000
        let fraction = dayMicros % 1_000_000
        func digits(_ value: Int64, _ width: Int) {
            let text = String(value)
            for _ in text.count..<width { buffer.writeInteger(UInt8(ascii: "0")) }
            buffer.writeString(text)
        }
        digits(Int64(day.year), 4); buffer.writeInteger(UInt8(ascii: "-")); digits(Int64(day.month), 2)
        buffer.writeInteger(UInt8(ascii: "-")); digits(Int64(day.day), 2)
        buffer.writeInteger(UInt8(ascii: " "))
        digits(seconds / 3600, 2); buffer.writeInteger(UInt8(ascii: ":")); digits(seconds / 60 % 60, 2)
        buffer.writeInteger(UInt8(ascii: ":")); digits(seconds % 60, 2)
        buffer.writeInteger(UInt8(ascii: ".")); digits(fraction, 6)
        buffer.writeStaticString("+00")
    }

    private static let millennium = Date(timeIntervalSince1970: 946_684_800)

    private static func floorDivision(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}
