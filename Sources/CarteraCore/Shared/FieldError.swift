import Foundation

/// One invalid input field. `code` is a stable machine code (`required`,
/// `invalid_email`, …) that the web and API layers translate; `field` names the
/// input as the user and the API know it (`legalName`, `customFields.color`).
public struct FieldError: Error, Hashable, Sendable, Codable {
    public let field: String
    public let code: String
    /// Extra values for the message, e.g. the maximum length.
    public let arguments: [String]

    public init(_ field: String, _ code: String, _ arguments: [String] = []) {
        self.field = field
        self.code = code
        self.arguments = arguments
    }
}

/// Every invalid field of one write; thrown before anything is written.
public struct ValidationFailure: Error, Sendable, Equatable {
    public let errors: [FieldError]
    public init(_ errors: [FieldError]) { self.errors = errors }
}

/// Collects field errors while validating an input.
public struct Validator: Sendable {
    public private(set) var errors: [FieldError] = []
    public init() {}

    public mutating func add(_ field: String, _ code: String, _ arguments: [String] = []) {
        errors.append(FieldError(field, code, arguments))
    }

    /// Trims the value and drops control characters (other than line breaks and
    /// tabs), which no spreadsheet or XML can carry; records `required` when
    /// empty and `too_long` past `maxLength`.
    public mutating func text(_ field: String, _ value: String?, required: Bool = false, maxLength: Int = 200) -> String? {
        let value = value ?? ""
        // Control characters are all ASCII; most values have none and are kept as they are
        // (an import checks some fifteen texts a row).
        let printable = !value.utf8.contains(where: Self.isDropped) ? value : String(String.UnicodeScalarView(value.unicodeScalars.filter {
            $0.value >= 0x80 || !Self.isDropped(UInt8($0.value))
        }))
        let trimmed = printable.trimmed
        if trimmed.isEmpty {
            if required { add(field, "required") }
            return nil
        }
        // No more characters than bytes: only a long text needs counting.
        if trimmed.utf8.count > maxLength, trimmed.count > maxLength { add(field, "too_long", [String(maxLength)]) }
        return trimmed
    }

    private static func isDropped(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r") && byte != UInt8(ascii: "\t")) || byte == 0x7F
    }

    public func check() throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}
