import CarteraIO
import Foundation
import Testing

@Suite("Mail messages")
struct MailMessageTests {
    let message = MailMessage(
        from: MailAddress("cobranza@demo.test", name: "Cobranzas Peña"), to: [MailAddress("cliente@example.com", name: "José Núñez")],
        subject: "Recordatorio: la factura A-0001 vence el 12/10 — gracias por su atención, señora Muñoz y compañía",
        text: "Hola José:\n.\nSu saldo es $ 1.234,50.", html: "<p>Hola José</p>", messageID: "abc123@cartera",
        date: Date(timeIntervalSince1970: 1_790_000_000))

    @Test("UTF-8 subject and names as encoded words, both parts base64, every line short, CRLF throughout")
    func rendering() throws {
        let text = message.rendered(boundary: "b1")
        let lines = text.components(separatedBy: "\r\n")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(lines.contains("Message-ID: <abc123@cartera>") && lines.contains("MIME-Version: 1.0"))
        #expect(lines.contains { $0.hasPrefix("Date: ") && $0.hasSuffix("+0000") })
        #expect(lines.contains("Content-Type: multipart/alternative; boundary=\"b1\"") && lines.contains("--b1--"))
        // The subject decodes back to what was written.
        let start = try #require(lines.firstIndex { $0.hasPrefix("Subject: ") })
        var subjectLines = [String(lines[start].dropFirst("Subject: ".count))]
        var next = start + 1
        while lines[next].hasPrefix(" ") { subjectLines.append(String(lines[next].dropFirst())); next += 1 }
        subjectLines = subjectLines.flatMap { $0.split(separator: " ").map(String.init) }
        let decoded = try subjectLines.map { word -> String in
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") && word.count <= 75)
            let data = try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            return String(decoding: data, as: UTF8.self)
        }.joined()
        #expect(decoded == message.subject)
        let from = try #require(lines.first { $0.hasPrefix("From: ") })
        #expect(from.hasPrefix("From: =?UTF-8?B?") && from.hasSuffix(" <cobranza@demo.test>"))
        #expect(MailMessage(from: MailAddress("a@demo.test"), to: (1...6).map { MailAddress("persona\($0)@example.com", name: "Persona Número \($0)") },
                            subject: "ok", text: "x", messageID: "i@c", date: Date()).rendered().components(separatedBy: "\r\n")
                    .allSatisfy { $0.utf8.count <= 78 })
        // The text part, base64 between its headers and the next boundary, is the text with CRLF line ends.
        let body = try #require(lines.firstIndex(of: "Content-Type: text/plain; charset=utf-8"))
        let encoded = lines[(body + 3)...].prefix { !$0.hasPrefix("--") }.joined()
        #expect(String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self) == "Hola José:\r\n.\r\nSu saldo es $ 1.234,50.")
    }

    @Test("a line break in a subject or name cannot add a header")
    func injection() {
        let hostile = MailMessage(from: MailAddress("a@demo.test", name: "Ana\r\nBcc: todos@example.com"), to: [MailAddress("b@example.com")],
                                  subject: "Hola\r\nBcc: todos@example.com", text: "x", messageID: "id@cartera", date: Date())
        let lines = hostile.rendered().components(separatedBy: "\r\n")
        #expect(!lines.contains { $0.hasPrefix("Bcc:") })
        #expect(!MailAddress("no es una dirección").isValid && MailAddress("cliente@example.com").isValid && !MailAddress("a@b").isValid)
    }
}
