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
        let printable = String(String.UnicodeScalarView((value ?? "").unicodeScalars.filter {
            $0.value >= 0x20 && $0.value != 0x7F || $0 == "\n" || $0 == "\r" || $0 == "\t"
        }))
        let trimmed = printable.trimmed
        if trimmed.isEmpty {
            if required { add(field, "required") }
            return nil
        }
        if trimmed.count > maxLength { add(field, "too_long", [String(maxLength)]) }
        return trimmed
    }

    public func check() throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}
