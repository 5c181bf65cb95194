import ArgumentParser
import Foundation
import Logging
import PacketFlowBroker
import PacketFlowKafka
import ServiceLifecycle

/// `packetflow broker`: an embedded Kafka broker at a stable address, for development and tests.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run an embedded Kafka broker for development and tests.",
        discussion: """
            Starts librdkafka's mock Kafka cluster inside this process and serves it at a \
            stable bootstrap address. Any Kafka client on this host (kcat, kafka-python, \
            PacketFlow itself) connects to that address; the brokers' own addresses come \
            back in the Metadata response and are reached directly, so clients must run on \
            the same host.

            Topics: create them at start with --topic, or from another process by sending \
            NAME:PARTITIONS to the topic \(TopicRequestChannel.topic). A topic a client names \
            before it exists is created with 4 partitions.

            Once it listens it prints 'Kafka bootstrap address: HOST:PORT' on standard \
            output (and writes HOST:PORT to --address-file); logs go to standard error. It \
            stops on SIGINT (Ctrl-C) or SIGTERM and keeps data in memory only.

            Example:
              packetflow broker --topic orders:12 --address-file /tmp/kafka.addr
              kcat -b 127.0.0.1:9092 -L
              echo 'payments:6' |
                kcat -b 127.0.0.1:9092 -P -K: -t \(TopicRequestChannel.topic)
            """
    )

    @Option(help: ArgumentHelp("How many brokers the cluster runs (at least 1).", valueName: "count"))
    var brokers: Int = 3

    @Option(help: ArgumentHelp(
        "The address Kafka clients bootstrap from. Port 0 picks a free port.",
        valueName: "host:port"
    ))
    var listen: String = ListenAddress.default.description

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp(
            "A topic to create at start, with its partition count. Repeat for more topics.",
            valueName: "name:partitions"
        )
    )
    var topics: [String] = []

    @Option(help: ArgumentHelp(
        "A file to write the bootstrap address to once the broker listens (written atomically).",
        valueName: "path"
    ))
    var addressFile: String?

    @Option(help: ArgumentHelp(
        "How much to log: trace, debug, info, notice, warning, error or critical.",
        valueName: "level"
    ))
    var logLevel: String = "info"

    func run() async throws {
        // Flags are checked here rather than by the parser so that a bad value reads as one line.
        let listenAddress = try ListenAddress(parsing: listen)
        let topicSpecs = try topics.map { text throws(TopicError) in try TopicSpec(parsing: text) }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw InvalidLogLevel(text: logLevel)
        }
        var logger = Logger(label: "packetflow.broker") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level

        let broker = try await EmbeddedBroker.start(
            brokers: brokers,
            listen: listenAddress,
            topics: topicSpecs,
            logger: logger
        )
        logger.warning("\(MockClusterLimits.warning)")
        if !listenAddress.isLoopback {
            logger.warning(
                "listening on \(broker.bootstrapAddress): clients on other hosts can bootstrap here, but Metadata then sends them to the brokers at 127.0.0.1, which they cannot reach (see docs/embedded-broker.md)"
            )
        }
        // Announced from inside the service group, whose signal handlers are in place before its
        // services start: whoever reads the address may stop the broker with SIGINT at once.
        let announcement = AddressAnnouncement(address: broker.bootstrapAddress, file: addressFile)
        let group = ServiceGroup(
            services: broker.services + [announcement],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        try await group.run()
    }

    /// Prints the bootstrap address (and writes `--address-file`), then waits for shutdown.
    private struct AddressAnnouncement: Service {
        var address: ListenAddress
        var file: String?

        func run() async throws {
            FileHandle.standardOutput.write(Data("Kafka bootstrap address: \(address)\n".utf8))
            if let file { try BootstrapAddressFile(path: file).write(address) }
            try await gracefulShutdown()
        }
    }

    /// A `--log-level` value that names no level; reads as one line.
    private struct InvalidLogLevel: Error, CustomStringConvertible {
        let text: String
        var description: String {
            "invalid log level '\(text)': use trace, debug, info, notice, warning, error or critical"
        }
    }
}
