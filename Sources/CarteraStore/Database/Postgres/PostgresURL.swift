import Foundation
import PostgresKit

/// Connection settings from a `postgres://` URL. Besides the host-and-port form PostgresKit
/// reads, libpq's form for a server on the same machine, `postgres://user@/db?host=/dir&port=5432`,
/// reaches it through its Unix socket `/dir/.s.PGSQL.5432` (docs/decisions.md, "PostgreSQL on
/// the same machine through its socket").
enum PostgresURL {
    static func configuration(_ url: String) throws -> SQLPostgresConfiguration {
        guard let parts = URLComponents(string: url),
              let directory = parts.queryItems?.last(where: { $0.name == "host" })?.value, directory.hasPrefix("/")
        else {
            var configuration = try SQLPostgresConfiguration(url: url)
            // TLS only when the URL asks for it.
            if !url.contains("sslmode") && !url.contains("tlsmode") { configuration.coreConfiguration.tls = .disable }
            return configuration
        }
        let portItem = parts.queryItems?.last(where: { $0.name == "port" })?.value
        guard let user = parts.user, !user.isEmpty, parts.host?.isEmpty ?? true,
              let port = portItem.map({ Int($0) }) ?? parts.port ?? 5432
        else { throw DatabaseLocation.InvalidURL(url: url) }
        let database = String(parts.path.drop { $0 == "/" })
        return SQLPostgresConfiguration(unixDomainSocketPath: "\(directory)/.s.PGSQL.\(port)", username: user,
                                        password: parts.password, database: database.isEmpty ? nil : database)
    }
}
