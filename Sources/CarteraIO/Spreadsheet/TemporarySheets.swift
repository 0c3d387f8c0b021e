import Foundation

/// The temporary files spreadsheets are written to: exports waiting to be sent
/// (a sheet read is inflated as it is parsed, `InflatedEntry`). Each is removed once used,
/// but a download whose body is never written (the client gone first) leaves
/// its file; `sweep` removes day-old ones.
public enum TemporarySheets {
    static let prefix = "cartera-"

    /// A new file name in the temporary directory: `cartera-<UUID><suffix>`.
    static func url(suffix: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent(prefix + UUID().uuidString + suffix)
    }

    /// Removes this process's kind of temporary files last changed before `cutoff`;
    /// returns how many went. Other files, however named, stay.
    @discardableResult
    public static func sweep(before cutoff: Date, in directory: URL = FileManager.default.temporaryDirectory) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var removed = 0
        for name in names where isOurs(name) {
            let url = directory.appendingPathComponent(name)
            guard let changed = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                  changed < cutoff, (try? FileManager.default.removeItem(at: url)) != nil else { continue }
            removed += 1
        }
        return removed
    }

    /// `cartera-` followed by a UUID and one of the suffixes `url` is given.
    static func isOurs(_ name: String) -> Bool {
        guard name.hasPrefix(prefix) else { return false }
        let rest = name.dropFirst(prefix.count)
        guard rest.count > 36, UUID(uuidString: String(rest.prefix(36))) != nil else { return false }
        return [".xlsx", ".csv"].contains(String(rest.dropFirst(36)))
    }
}
