import Foundation

/// An invoice or account receivable of a client (seed 002, "Avisos"), as the
/// ERP or a spreadsheet sends it: the balance says what is still owed.
public struct Receivable: Hashable, Sendable {
    public typealias ID = EntityID<Receivable>
    public let id: ID
    public let clientID: Client.ID
    public let draft: ReceivableDraft
    public let version: Int64

    public init(id: ID, clientID: Client.ID, draft: ReceivableDraft, version: Int64) {
        self.id = id; self.clientID = clientID; self.draft = draft; self.version = version
    }

    /// Paid invoices get no notices: marked paid, or nothing left to pay.
    public var isOpen: Bool { !draft.paid && draft.balance.minor > 0 }
}

public struct ReceivableDraft: Hashable, Sendable {
    /// The invoice number, unique in the company ("A-0001-00001234").
    public var number: String
    public var issueDate: CalendarDate
    public var dueDate: CalendarDate
    public var amount: Money
    public var balance: Money
    public var paid: Bool

    public init(number: String, issueDate: CalendarDate, dueDate: CalendarDate, amount: Money, balance: Money, paid: Bool = false) {
        self.number = number; self.issueDate = issueDate; self.dueDate = dueDate; self.amount = amount; self.balance = balance; self.paid = paid
    }

    public func validated(after parseErrors: [FieldError] = []) throws(ValidationFailure) -> ReceivableDraft {
        var v = Validator()
        var out = self
        out.number = v.text("number", number, required: true, maxLength: 60) ?? ""
        if dueDate < issueDate { v.add("dueDate", "before_start") }
        if amount.currency != balance.currency { v.add("balance", "invalid_currency") }
        if amount.minor < 0 { v.add("amount", "out_of_range", ["0", "∞"]) }
        if balance.minor < 0 { v.add("balance", "out_of_range", ["0", "∞"]) }
        let errors = parseErrors + v.errors.filter { e in !parseErrors.contains { $0.field == e.field } }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return out
    }
}

/// A notice concept ("concepto de aviso"): so many days before or after the due date.
public struct NoticeConcept: Hashable, Sendable {
    public typealias ID = EntityID<NoticeConcept>
    public enum Kind: String, Sendable, CaseIterable { case beforeDue = "before_due", afterDue = "after_due" }
    public let id: ID
    public let description: String
    public let days: Int
    public let kind: Kind
    public let active: Bool
    public let version: Int64

    public init(id: ID, description: String, days: Int, kind: Kind, active: Bool, version: Int64) {
        self.id = id; self.description = description; self.days = days; self.kind = kind; self.active = active; self.version = version
    }

    /// Whether an invoice due on `due` gets this notice on `today`: a reminder from `days` before
    /// the due date until the due date itself; an after-due notice from `days` after it on.
    public func applies(due: CalendarDate, today: CalendarDate) -> Bool {
        switch kind {
        case .beforeDue: today <= due && due.adding(days: -days) <= today
        case .afterDue: due.adding(days: days) <= today
        }
    }
}

/// A client's notice settings ("Configuración de avisos a clientes").
public struct NoticeSettings: Hashable, Sendable {
    public var active: Bool
    public var subject: String
    /// Also to these contacts of the client (their e-mails).
    public var contactIDs: [Contact.ID]
    public var reminderConceptID: NoticeConcept.ID?
    public var afterDueEnabled: Bool
    public var afterDueConceptID: NoticeConcept.ID?
    public var reminderBody: String
    public var afterDueBody: String
    /// One message listing every invoice due for a concept, instead of one per invoice.
    public var consolidated: Bool
    public var version: Int64

    public init(active: Bool = false, subject: String = "", contactIDs: [Contact.ID] = [], reminderConceptID: NoticeConcept.ID? = nil,
                afterDueEnabled: Bool = false, afterDueConceptID: NoticeConcept.ID? = nil, reminderBody: String = "", afterDueBody: String = "",
                consolidated: Bool = false, version: Int64 = 0) {
        self.active = active; self.subject = subject; self.contactIDs = contactIDs; self.reminderConceptID = reminderConceptID
        self.afterDueEnabled = afterDueEnabled; self.afterDueConceptID = afterDueConceptID; self.reminderBody = reminderBody
        self.afterDueBody = afterDueBody; self.consolidated = consolidated; self.version = version
    }

    public func validated() throws(ValidationFailure) -> NoticeSettings {
        var v = Validator()
        var out = self
        out.subject = v.text("subject", subject, required: active, maxLength: 200) ?? ""
        out.reminderBody = v.text("reminderBody", reminderBody, maxLength: 8000) ?? ""
        out.afterDueBody = v.text("afterDueBody", afterDueBody, maxLength: 8000) ?? ""
        if active && reminderConceptID == nil && !(afterDueEnabled && afterDueConceptID != nil) { v.add("reminderConceptId", "required") }
        if afterDueEnabled && afterDueConceptID == nil { v.add("afterDueConceptId", "required") }
        for (field, body) in [("reminderBody", out.reminderBody), ("afterDueBody", out.afterDueBody)] {
            if let unknown = NoticeText.unknownPlaceholders(body).first { v.add(field, "unknown_placeholder", [unknown]) }
        }
        try v.check()
        return out
    }
}

/// The bodies' placeholders, in Spanish or English: {cliente}/{client}, {factura}/{invoice},
/// {emision}/{issue_date}, {vencimiento}/{due_date}, {importe}/{amount}, {saldo}/{balance},
/// {dias}/{days}, and {facturas}/{invoices} (the list, for consolidated messages).
public enum NoticeText {
    static let names: [String: String] = [
        "cliente": "client", "client": "client", "factura": "invoice", "invoice": "invoice", "emision": "issue_date",
        "issue_date": "issue_date", "vencimiento": "due_date", "due_date": "due_date", "importe": "amount", "amount": "amount",
        "saldo": "balance", "balance": "balance", "dias": "days", "days": "days", "facturas": "invoices", "invoices": "invoices",
    ]

    public static func unknownPlaceholders(_ body: String) -> [String] {
        placeholders(body).filter { names[Normalization.searchKey($0).replacingOccurrences(of: " ", with: "_")] == nil }
    }

    /// `body` with each known placeholder replaced by its value (keys: client, invoice, issue_date…).
    public static func render(_ body: String, _ values: [String: String]) -> String {
        var out = body
        for name in placeholders(body) {
            if let key = names[Normalization.searchKey(name).replacingOccurrences(of: " ", with: "_")], let value = values[key] {
                out = out.replacingOccurrences(of: "{\(name)}", with: value)
            }
        }
        return out
    }

    static func placeholders(_ body: String) -> [String] {
        var out: [String] = []
        var rest = body[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }
}

extension CalendarDate {
    /// The date `days` later (earlier when negative), in the proleptic Gregorian calendar.
    public func adding(days: Int) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let date = calendar.date(from: DateComponents(year: year, month: month, day: day))!.addingTimeInterval(Double(days) * 86_400)
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDate(String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!))!
    }
}

extension CalendarDate {
    /// A date as a spreadsheet cell writes it: `2026-10-05`, or day first as Spanish-speaking
    /// countries write it (`5/10/2026`, `05-10-2026`, `05.10.2026`).
    public static func spreadsheet(_ text: String) -> CalendarDate? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let iso = CalendarDate(trimmed) { return iso }
        let parts = trimmed.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." })
        guard parts.count == 3, parts[2].count == 4, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
              let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]),
              let date = CalendarDate(String(format: "%04d-%02d-%02d", year, month, day)) else { return nil }
        return date
    }

    /// As a notice writes it: 12/10/2026 in Spanish, 2026-10-12 in English.
    public func formatted(_ language: Language) -> String {
        language == .es ? String(format: "%02d/%02d/%04d", day, month, year) : description
    }
}
