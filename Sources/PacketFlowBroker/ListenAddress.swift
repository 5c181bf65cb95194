/// A `HOST:PORT` pair the bootstrap forwarder listens on.
///
/// Parses the forms a user types: `127.0.0.1:9092`, `localhost:9092`, `[::1]:9092`.
/// Port 0 asks the operating system for a free port; the forwarder reports the port it got.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// The host name or IP address, without brackets for IPv6.
    public var host: String
    /// The TCP port, 0...65535.
    public var port: Int

    /// The default address of `packetflow broker`: 127.0.0.1:9092, Kafka's usual port.
    public static let `default` = ListenAddress(host: "127.0.0.1", port: 9092)

    /// Creates an address from its parts; no check is made until the forwarder binds.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, with IPv6 hosts in brackets (`[::1]:9092`).
    ///
    /// Throws `BrokerError` with code `invalidListenAddress` and a message naming the
    /// expected form when `text` is not such a pair or the port is outside 0...65535.
    public init(parsing text: String) throws(BrokerError) {
        let invalid = BrokerError(
            code: .invalidListenAddress,
            message: "invalid listen address '\(text)': expected HOST:PORT, e.g. 127.0.0.1:9092"
        )
        guard let colon = text.lastIndex(of: ":") else { throw invalid }
        var host = Substring(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
        } else if host.contains(":") {
            throw invalid
        }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else { throw invalid }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw BrokerError(
                code: .invalidListenAddress,
                message: "invalid listen address '\(text)': the port must be a number from 0 to 65535"
            )
        }
        self.init(host: String(host), port: port)
    }

    /// Whether only this host can reach the address (127.0.0.0/8, `::1` or `localhost`).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `HOST:PORT`, with IPv6 hosts in brackets: the form Kafka clients take in `bootstrap.servers`.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
