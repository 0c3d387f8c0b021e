@testable import CarteraIO
import Foundation
import Testing

@Suite("iCalendar feeds")
struct ICalendarTests {
    @Test("text is escaped, long lines fold at 75 octets without splitting a character, instants are UTC")
    func document() {
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let long = String(repeating: "Señalización, ñandú; ", count: 12)
        let text = ICalendar.document(name: "Cartera — Ana", timeZone: "America/Lima", events: [
            CalendarEvent(uid: "follow-up-7@cartera", stamp: start, start: start, summary: "Llamar; cotizar, \\ enviar",
                          description: "Línea 1\nLínea 2 " + long),
        ])
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(text.contains("\r\nSUMMARY:Llamar\\; cotizar\\, \\\\ enviar\r\n"))
        #expect(text.contains("\r\nDTSTART:20261118T"))
        let physical = text.components(separatedBy: "\r\n")
        #expect(physical.allSatisfy { $0.utf8.count <= 75 })
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("DESCRIPTION:Línea 1\\nLínea 2 " + ICalendar.escape(long)))
    }
}
