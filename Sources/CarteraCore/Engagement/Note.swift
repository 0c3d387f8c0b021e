import Foundation

/// A note on a client (seed 002): the text, where the physical file is kept,
/// and the treatment given. Its author is its owner for the access levels.
public struct Note: Hashable, Sendable {
    public typealias ID = EntityID<Note>
    public let id: ID
    public let clientID: Client.ID
    public let authorID: User.ID
    public let draft: NoteDraft
    public let version: Int64
    public let createdAt: Date

    public init(id: ID, clientID: Client.ID, authorID: User.ID, draft: NoteDraft, version: Int64, createdAt: Date) {
        self.id = id; self.clientID = clientID; self.authorID = authorID; self.draft = draft; self.version = version
        self.createdAt = createdAt
    }
}

public struct NoteDraft: Hashable, Sendable {
    public var text: String
    /// Where the paper file is ("Archivo 3, carpeta B").
    public var location: String?
    public var treatment: String?

    public init(text: String, location: String? = nil, treatment: String? = nil) {
        self.text = text; self.location = location; self.treatment = treatment
    }

    public func validated() throws(ValidationFailure) -> NoteDraft {
        var v = Validator()
        let out = NoteDraft(text: v.text("text", text, required: true, maxLength: 8000) ?? "",
                            location: v.text("location", location, maxLength: 200),
                            treatment: v.text("treatment", treatment, maxLength: 2000))
        try v.check()
        return out
    }
}

extension Viewer {
    /// Only users with a department write notes (seed 002).
    public var canWriteNotes: Bool { user.departmentID != nil }
    /// Only level 1 deletes notes.
    public var canDeleteNotes: Bool { accessLevel == .company }
}
