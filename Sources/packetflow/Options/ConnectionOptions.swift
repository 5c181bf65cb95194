import ArgumentParser
import Foundation

/// How a command reaches Kafka: the bootstrap address and raw librdkafka properties.
struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Kafka bootstrap address. Default: $PACKETFLOW_BOOTSTRAP, else 127.0.0.1:9092 (packetflow broker).",
        valueName: "host:port"
    ))
    var bootstrap: String = ProcessInfo.processInfo.environment["PACKETFLOW_BOOTSTRAP"] ?? "127.0.0.1:9092"

    @Option(
        name: .customLong("property"),
        help: ArgumentHelp("A librdkafka property passed through as is. Repeatable.", valueName: "key=value")
    )
    var rawProperties: [String] = []

    /// The raw properties as a dictionary; a malformed one is a validation error naming it.
    func properties() throws -> [String: String] {
        var properties: [String: String] = [:]
        for text in rawProperties {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--property \(text): expected key=value")
            }
            properties[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return properties
    }
}
