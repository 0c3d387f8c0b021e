import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Logging
import Synchronization

/// What the import page sends with a run: the entity, how rows match, and the columns fixed by hand.
struct ImportSettings: Codable, Sendable {
    var kind: ImportRequest.Entity
    var updateBy: String
    var emptyClears: Bool
    var overrides: [Int: String]
}

/// How a run ended, kept with the upload so that any instance can show it.
struct ImportJobResult: Codable, Sendable {
    var outcome: ImportRequest.Outcome?
    /// Why the file could not be read (a translation key).
    var failure: String?
}

/// Imports running on this instance, and how far each has got. The state and
/// the report live with the upload in the database; only the live row count
/// is here, so a page served by another instance shows "running" without it.
final class ImportJobs: Sendable {
    struct Progress: Sendable {
        var rows = 0
        var share = 0.0
        let commit: Bool
    }

    private let running = Mutex<[String: Progress]>([:])

    func progress(_ id: String) -> Progress? { running.withLock { $0[id] } }

    /// Runs the import of a claimed upload in the background and returns at once.
    func start(_ upload: ImportUpload, settings: ImportSettings, commit: Bool, viewer: Viewer, env: WebEnvironment) {
        running.withLock { $0[upload.id] = Progress(commit: commit) }
        Task {
            let (state, result) = await run(upload, settings: settings, commit: commit, viewer: viewer, env: env)
            do {
                try await env.stores.importUploads.finish(upload.id, state: state, result: String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
            } catch {
                env.stores.database.logger.error("import result not saved", metadata: ["upload": "\(upload.id)", "error": "\(error)"])
            }
            running.withLock { $0[upload.id] = nil }
        }
    }

    /// Waits a little for a job to end, so a small file shows its report at once.
    func settle(_ id: String, within limit: Duration = .seconds(2)) async {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while progress(id) != nil, clock.now < deadline { try? await Task.sleep(for: .milliseconds(40)) }
    }

    private func run(_ upload: ImportUpload, settings: ImportSettings, commit: Bool, viewer: Viewer,
                     env: WebEnvironment) async -> (ImportUpload.State, ImportJobResult) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cartera-import-\(upload.id)")
        defer { try? FileManager.default.removeItem(at: file) }
        let options = ClientImportOptions(updateBy: ClientImportOptions.UpdateBy(rawValue: settings.updateBy) ?? .number,
                                          emptyClears: settings.emptyClears, dryRun: !commit, fileName: upload.fileName)
        let request = ImportRequest(file: file, options: options, entity: settings.kind, overrides: settings.overrides)
        do {
            try await env.stores.importUploads.copy(upload.id, to: file)
            let outcome = try await request.run(stores: env.stores, translator: env.translator, viewer: viewer) { rows, share in
                self.running.withLock { $0[upload.id]?.rows = rows; $0[upload.id]?.share = share }
            }
            return (outcome.report.committed ? .committed : .ready, ImportJobResult(outcome: outcome))
        } catch let error as SheetReadError {
            return (.failed, ImportJobResult(failure: error.code))
        } catch {
            env.stores.database.logger.error("import failed", metadata: ["upload": "\(upload.id)", "error": "\(error)"])
            return (.failed, ImportJobResult(failure: "import_failed"))
        }
    }
}
