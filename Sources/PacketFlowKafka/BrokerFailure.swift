/// A broker connection failure, read from librdkafka's error text.
///
/// librdkafka reports a refused connection as
/// `127.0.0.1:9/bootstrap: Connect to ipv4#127.0.0.1:9 failed: Connection refused (after 0ms in state CONNECT)`;
/// users need the broker and the reason: `broker 127.0.0.1:9 unreachable: connection refused`.
struct BrokerFailure: Equatable, Sendable {
    /// The broker's `host:port`.
    var broker: String
    /// Why it failed, in lower case, e.g. `connection refused`.
    var reason: String

    /// Parses librdkafka's error text; `nil` if it does not name a broker.
    init?(librdkafkaText fullText: String) {
        // Secured brokers are named with their protocol: `sasl_ssl://host:9093/bootstrap: ...`.
        var text = Substring(fullText)
        if let scheme = text.range(of: "://"),
            text[..<scheme.lowerBound].allSatisfy({ $0.isLetter || $0 == "_" })
        {
            text = text[scheme.upperBound...]
        }
        guard let slash = text.firstIndex(of: "/"), let colon = text[slash...].firstIndex(of: ":") else {
            return nil
        }
        broker = String(text[..<slash])
        var detail = text[text.index(after: colon)...].drop { $0 == " " }
        if let failed = detail.range(of: "failed: ") {
            detail = detail[failed.upperBound...]
        }
        if let after = detail.range(of: " (after ") {
            detail = detail[..<after.lowerBound]
        }
        reason = detail.lowercased()
    }

    /// `broker 127.0.0.1:9 unreachable: connection refused`.
    var summary: String { "broker \(broker) unreachable: \(reason)" }
}
