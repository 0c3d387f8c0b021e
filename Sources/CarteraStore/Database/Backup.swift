import Foundation
import SQLKit

public enum BackupError: Error, Equatable, CustomStringConvertible {
    case targetExists(String)
    case postgres

    public var description: String {
        switch self {
        case .targetExists(let path): "\(path) already exists; choose a new file."
        case .postgres: "On PostgreSQL use pg_dump (see docs/operations.md)."
        }
    }
}

extension Database {
    /// A consistent copy of a live SQLite database in a new file, taken with
    /// `VACUUM INTO` inside one read transaction: writers go on meanwhile
    /// (write-ahead log), and the copy is the database as of the moment it began.
    public func backup(to path: String) async throws {
        guard kind == .sqlite else { throw BackupError.postgres }
        guard !FileManager.default.fileExists(atPath: path) else { throw BackupError.targetExists(path) }
        try await read { session in try await session.run("VACUUM INTO \(bind: path)") }
    }
}
