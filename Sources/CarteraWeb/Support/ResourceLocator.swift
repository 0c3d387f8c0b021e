import Foundation

/// Finds the templates, catalogues and static files. A release is the binary
/// plus its resource folder; `--resources DIR` (or `CARTERA_RESOURCES`) overrides.
public enum ResourceLocator {
    public struct Missing: Error, CustomStringConvertible {
        public let searched: [String]
        public var description: String {
            "Cartera's resources (templates, translations, static files) were not found. Looked in: "
                + searched.joined(separator: ", ")
                + ". Ship the 'Cartera_CarteraWeb.resources' folder next to the binary or pass --resources DIR."
        }
    }

    static let bundleName = "Cartera_CarteraWeb.resources"

    /// The resources folder: the override, else the bundle beside the executable.
    public static func locate(override: String?) throws -> URL {
        var candidates: [URL] = []
        if let override, !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        } else {
            let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            let beside = executable.deletingLastPathComponent()
            candidates.append(beside.appendingPathComponent(bundleName).appendingPathComponent("Resources"))
            candidates.append(beside.appendingPathComponent(bundleName))
            candidates.append(beside.appendingPathComponent("Resources"))
        }
        for candidate in candidates where isResources(candidate) { return candidate }
        throw Missing(searched: candidates.map(\.path))
    }

    static func isResources(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("templates/layout.mustache").path)
    }
}
