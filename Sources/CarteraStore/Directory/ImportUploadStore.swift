import CarteraCore
import Foundation
import SQLKit

/// An uploaded spreadsheet waiting for its dry run or commit, and the state of
/// the job that reads it. Settings and result are the web layer's JSON.
public struct ImportUpload: Sendable {
    public enum State: String, Sendable {
        /// Stored, nothing run yet.
        case waiting
        case running
        /// Checked (a dry run or a refused commit); `result` holds the report.
        case ready
        case committed
        /// The file could not be read; `result` says why.
        case failed
    }

    public let id: String
    public let userID: User.ID
    public let kind: String
    public let fileName: String
    public let size: Int64
    public let createdAt: Date
    public let state: State
    public let settings: String
    public let result: String?
    public let startedAt: Date?

    /// A job still "running" after this long died with its instance.
    public static let abandonedAfter: TimeInterval = 30 * 60

    public func isAbandoned(now: Date) -> Bool {
        state == .running && (startedAt ?? createdAt).addingTimeInterval(Self.abandonedAfter) < now
    }
}

/// Uploads kept in the database in 1 MB parts, so that any instance can run
/// the job or the commit and no one holds a whole file in memory.
public struct ImportUploadStore: Sendable {
    let database: Database
    let clock: Clock

    static let partSize = 1 << 20
    /// Uploads are kept this long, then swept.
    public static let lifetime: TimeInterval = 86_400

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    /// Stores the file and returns the upload's id: a random token, only usable by its owner.
    public func save(_ file: URL, kind: String, fileName: String, settings: String, by viewer: Viewer) async throws -> String {
        guard viewer.can(.importData) else { throw StoreError.forbidden }
        let id = UUID().uuidString.lowercased()
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        let now = clock.now()
        try await database.write { session in
            try await session.run("""
                INSERT INTO import_uploads (id, user_id, kind, file_name, size, created_at, state, settings)
                VALUES (\(bind: id), \(bind: viewer.id.rawValue), \(bind: kind), \(bind: String(fileName.prefix(200))), 0,
                    \(session.instant(now)), 'waiting', \(bind: settings))
                """)
            var seq = 0
            var size = 0
            while let part = try handle.read(upToCount: Self.partSize), !part.isEmpty {
                try await session.run("""
                    INSERT INTO import_upload_parts (upload_id, seq, bytes) VALUES (\(bind: id), \(bind: seq), \(bind: part))
                    """)
                seq += 1
                size += part.count
            }
            try await session.run("UPDATE import_uploads SET size = \(bind: size) WHERE id = \(bind: id)")
        }
        return id
    }

    /// The viewer's own upload; another user's token finds nothing.
    public func upload(_ id: String, by viewer: Viewer) async throws -> ImportUpload? {
        try await database.read { session in
            try await session.first("""
                SELECT * FROM import_uploads WHERE id = \(bind: id) AND user_id = \(bind: viewer.id.rawValue)
                """).map(Self.upload)
        }
    }

    /// Claims the upload for a run with these settings. False when it is
    /// running (a second click, another instance) or already committed.
    public func start(_ id: String, settings: String, by viewer: Viewer) async throws -> Bool {
        let now = clock.now()
        return try await database.write { session in
            guard let upload = try await session.first("""
                SELECT * FROM import_uploads WHERE id = \(bind: id) AND user_id = \(bind: viewer.id.rawValue)
                """).map(Self.upload) else { return false }
            guard upload.state != .committed, upload.state != .running || upload.isAbandoned(now: now) else { return false }
            try await session.run("""
                UPDATE import_uploads SET state = 'running', settings = \(bind: settings), started_at = \(session.instant(now))
                WHERE id = \(bind: id)
                """)
            return true
        }
    }

    /// Records how the run ended.
    public func finish(_ id: String, state: ImportUpload.State, result: String) async throws {
        try await database.write { session in
            try await session.run("""
                UPDATE import_uploads SET state = \(bind: state.rawValue), result = \(bind: result) WHERE id = \(bind: id)
                """)
        }
    }

    /// Writes the file back out, a part at a time.
    public func copy(_ id: String, to url: URL) async throws {
        // Not there or not writable: opening it below says so.
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var seq = 0
        while let part = try await database.read({ session in
            try await session.first("""
                SELECT bytes FROM import_upload_parts WHERE upload_id = \(bind: id) AND seq = \(bind: seq)
                """).map { try $0.bytes("bytes") }
        }) {
            try handle.write(contentsOf: part)
            seq += 1
        }
    }

    /// Removes uploads older than a day, with their parts.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        let cutoff = clock.now().addingTimeInterval(-Self.lifetime)
        return try await database.write { session in
            let old: SQLQueryString = "SELECT id FROM import_uploads WHERE created_at < \(session.instant(cutoff))"
            try await session.run("DELETE FROM import_upload_parts WHERE upload_id IN (\(old))")
            return try await session.rows("DELETE FROM import_uploads WHERE created_at < \(session.instant(cutoff)) RETURNING id").count
        }
    }

    static func upload(_ row: Row) throws -> ImportUpload {
        ImportUpload(id: try row.string("id"), userID: try row.id("user_id"), kind: try row.string("kind"),
                     fileName: try row.string("file_name"), size: try row.int("size"), createdAt: try row.instant("created_at"),
                     state: ImportUpload.State(rawValue: try row.string("state")) ?? .failed, settings: try row.string("settings"),
                     result: try row.optString("result"), startedAt: try row.optInstant("started_at"))
    }
}
