import Foundation
import PostgresNIO

/// Where the sink connects: a `postgres://user:password@host:port/database` URL.
///
/// Query parameters are not read; TLS is off (run the sink next to its database, or through a
/// TLS-terminating proxy). The password never appears in ``description``.
public struct PostgresConnectionURL: Sendable, Hashable, CustomStringConvertible {
    /// The server's host name or address.
    public var host: String
    /// The server's port. Default: 5432.
    public var port: Int
    /// The role to log in as.
    public var username: String
    /// The role's password, if the server asks for one.
    public var password: String?
    /// The database. Default: the user name, as libpq does.
    public var database: String

    /// Parses `postgres://` or `postgresql://` URLs; percent-escapes in the user and password are decoded.
    ///
    /// Throws ``PostgresSinkError`` (`invalidConfiguration`) naming what is missing.
    public init(_ text: String) throws(PostgresSinkError) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw PostgresSinkError(
                .invalidConfiguration, "invalid PostgreSQL URL '\(Self.redacted(text))': expected postgres://user[:password]@host[:port]/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresSinkError(.invalidConfiguration, "PostgreSQL URL '\(Self.redacted(text))' names no host")
        }
        guard let username = components.user, !username.isEmpty else {
            throw PostgresSinkError(.invalidConfiguration, "PostgreSQL URL '\(Self.redacted(text))' names no user")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.host = host
        self.port = components.port ?? 5432
        self.username = username.removingPercentEncoding ?? username
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = path.isEmpty ? self.username : path
    }

    /// The URL with the password replaced by `***`.
    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }

    /// The postgres-nio configuration for this URL, without TLS.
    var connectionConfiguration: PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable)
    }

    /// `text` with anything between `://user:` and `@` hidden, for error messages.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex),
            let colon = text.range(of: ":", range: scheme.upperBound..<at.lowerBound)
        else { return text }
        return text.replacingCharacters(in: colon.upperBound..<at.lowerBound, with: "***")
    }
}
