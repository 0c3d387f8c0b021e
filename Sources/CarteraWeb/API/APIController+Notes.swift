import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/notes`: the same access levels as the card and the report.
extension APIController {
    func registerNotes(_ api: RouterGroup<SignedInContext>) {
        api.get("notes") { request, context in try await self.listNotes(request, context) }
        api.post("notes") { request, context in try await self.createNote(request, context) }
        api.get("notes/:note") { _, context in try await self.getNote(context) }
        api.patch("notes/:note") { request, context in try await self.patchNote(request, context) }
        api.delete("notes/:note") { _, context in try await self.deleteNote(context) }
    }

    struct NoteJSON: Encodable {
        let n: Note
        init(_ n: Note) { self.n = n }
        enum CodingKeys: String, CodingKey { case id, clientId, authorId, text, location, treatment, createdAt, version }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(n.id.rawValue, forKey: .id); try c.encode(n.clientID.rawValue, forKey: .clientId)
            try c.encode(n.authorID.rawValue, forKey: .authorId); try c.encode(n.draft.text, forKey: .text)
            try c.encode(n.draft.location, forKey: .location); try c.encode(n.draft.treatment, forKey: .treatment)
            try c.encode(n.createdAt, forKey: .createdAt); try c.encode(n.version, forKey: .version)
        }
    }

    struct NoteInput: Decodable {
        var clientId: Int64?
        var text: String?
        var location: String?
        var treatment: String?
        var draft: NoteDraft { NoteDraft(text: text ?? "", location: location, treatment: treatment) }
    }

    func listNotes(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = QueryParameters(FormData.query(request))
        let notes = try await env.stores.notes.list(NoteQuery(
            clientID: try query.id("clientId"), branchID: try query.id("branchId"), departmentID: try query.id("departmentId"),
            authorID: try query.id("authorId"), from: try query.instant("from"), to: try query.instant("to"),
            lastThreePerClient: query.form["lastThreePerClient"] == "true", limit: try query.limit(default: 200, maximum: 1000)),
            by: context.viewer)
        return try json(ListPage(items: notes.map { NoteJSON($0.note) }, nextCursor: nil))
    }

    func createNote(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let input = try JSONInput.decode(NoteInput.self, from: try await body(request))
        guard let clientID = input.clientId.map(Client.ID.init) else { throw ValidationFailure([FieldError("clientId", "required")]) }
        do {
            let note = try await env.stores.notes.create(clientID: clientID, input.draft, by: context.viewer)
            return try json(NoteJSON(note), status: .created, etag: note.version)
        } catch StoreError.notFound {
            throw ValidationFailure([FieldError("clientId", "unknown_reference")])
        }
    }

    func getNote(_ context: SignedInContext) async throws -> Response {
        let note = try await loadNote(context)
        return try json(NoteJSON(note), etag: note.version)
    }

    func patchNote(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let patch = try JSONInput.object(try await body(request))
        try rejectReadOnly(patch, writable: ["text", "location", "treatment"])
        let version = try expectedVersion(request, context)
        let note = try await loadNote(context)
        var current: [String: Any] = ["text": note.draft.text]
        if let location = note.draft.location { current["location"] = location }
        if let treatment = note.draft.treatment { current["treatment"] = treatment }
        let merged = MergePatch.apply(patch, to: current) as? [String: Any] ?? [:]
        let input = try JSONInput.decode(NoteInput.self, from: try JSONSerialization.data(withJSONObject: merged))
        let saved = try await env.stores.notes.update(note.id, input.draft, expectedVersion: version, by: context.viewer)
        return try json(NoteJSON(saved), etag: saved.version)
    }

    func deleteNote(_ context: SignedInContext) async throws -> Response {
        try await env.stores.notes.delete(try await loadNote(context).id, by: context.viewer)
        return Response(status: .noContent)
    }

    func loadNote(_ context: SignedInContext) async throws -> Note {
        guard let id = Note.ID(string: context.parameters.get("note")),
              let note = try await env.stores.notes.note(id, by: context.viewer) else { throw StoreError.notFound }
        return note
    }
}
