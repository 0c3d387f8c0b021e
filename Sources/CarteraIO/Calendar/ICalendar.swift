import Foundation

/// One event of a calendar feed.
public struct CalendarEvent: Sendable, Hashable {
    /// Stable across refreshes, so calendar apps update instead of duplicating.
    public var uid: String
    /// When the event last changed.
    public var stamp: Date
    public var start: Date
    public var minutes: Int
    public var summary: String
    public var description: String?
    public var cancelled: Bool
    /// `YYYY-MM-DD` for an all-day event (a next contact date); `start` and `minutes` are then not written.
    public var allDay: String?

    public init(uid: String, stamp: Date, start: Date, minutes: Int = 30, summary: String, description: String? = nil,
                cancelled: Bool = false, allDay: String? = nil) {
        self.uid = uid; self.stamp = stamp; self.start = start; self.minutes = minutes; self.summary = summary
        self.description = description; self.cancelled = cancelled; self.allDay = allDay
    }
}

/// RFC 5545 text: CRLF lines folded at 75 octets, TEXT values escaped,
/// instants in UTC (valid everywhere without VTIMEZONE blocks); the user's
/// zone is named for clients that show it.
public enum ICalendar {
    public static func document(name: String, timeZone: String, events: [CalendarEvent]) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cartera//Cartera CRM//ES", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:" + escape(name), "X-WR-TIMEZONE:" + timeZone,
                     "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H"]
        for event in events {
            lines += ["BEGIN:VEVENT", "UID:" + event.uid, "DTSTAMP:" + utc(event.stamp)]
            if let day = event.allDay.flatMap(dayAndNext) {
                lines += ["DTSTART;VALUE=DATE:" + day.start, "DTEND;VALUE=DATE:" + day.end]
            } else {
                lines += ["DTSTART:" + utc(event.start), "DURATION:PT\(max(1, event.minutes))M"]
            }
            lines.append("SUMMARY:" + escape(event.summary))
            if let description = event.description, !description.isEmpty { lines.append("DESCRIPTION:" + escape(description)) }
            lines.append(event.cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED")
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Backslash, semicolon, comma and line breaks escaped (RFC 5545 §3.3.11).
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r\n", "\n", "\r": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// Splits a line into 75-octet pieces, never inside a UTF-8 sequence; the
    /// continuation lines start with a space (RFC 5545 §3.1).
    static func fold(_ line: String) -> String {
        var pieces: [String] = []
        var current = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            let limit = pieces.isEmpty ? 75 : 74
            if octets + size > limit {
                pieces.append(current)
                current = ""
                octets = 0
            }
            current.append(character)
            octets += size
        }
        pieces.append(current)
        return pieces.joined(separator: "\r\n ")
    }

    /// `2026-10-05` → ("20261005", "20261006"): an all-day event ends the next day (RFC 5545 §3.6.1).
    static func dayAndNext(_ day: String) -> (start: String, end: String)? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              let next = calendar.date(byAdding: .day, value: 1, to: date) else { return nil }
        let c = calendar.dateComponents([.year, .month, .day], from: next)
        return (String(format: "%04d%02d%02d", parts[0], parts[1], parts[2]), String(format: "%04d%02d%02d", c.year!, c.month!, c.day!))
    }

    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
