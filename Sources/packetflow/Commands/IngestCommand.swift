import ArgumentParser
import Foundation
import Logging
import PacketFlowBroker
import PacketFlowCore
import PacketFlowHTTPIngest
import PacketFlowJSON
import PacketFlowKafka
import ServiceLifecycle

/// `packetflow ingest`: an HTTP endpoint publishing JSON events to topics as packets.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Accept JSON events over HTTP and publish them to topics as packets.",
        discussion: """
            POST /topics/TOPIC with a JSON body (Content-Type: application/json, one event) or \
            JSON lines (any other type, one event per line). The answer is 202 \
            {"topic":...,"accepted":N} only once the broker acknowledged every event \
            (at least once: a client that retries after a 503 may publish some events twice); \
            400 with the line and column of the first bad line (nothing is published); 413 over \
            --max-body, for more events than --max-in-flight or for an event larger than the \
            broker takes; 403 for PacketFlow's own topics; 429 with Retry-After when --max-in-flight events already wait for the \
            broker; 503 with Retry-After when the producer's queue is full or the broker does \
            not acknowledge; 401 without Authorization: Bearer TOKEN when a token is set. \
            Missing topics are created with the group's partitions. See docs/connectors.md.

            Example:
              packetflow broker &
              packetflow ingest --listen 127.0.0.1:8081 &
              curl -H 'Content-Type: application/x-ndjson' --data-binary @events.jsonl \\
                http://127.0.0.1:8081/topics/clicks
            """)

    @Option(help: ArgumentHelp("The HTTP address to listen on.", valueName: "host:port"))
    var listen: String = "127.0.0.1:8081"

    @Option(help: ArgumentHelp(
        "The bearer token requests must carry. Default: $PACKETFLOW_INGEST_TOKEN; without one, none is asked and only a loopback address may be listened on.",
        valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp(
        "A file whose first line is the bearer token: keeps it out of the process list, unlike --token.",
        valueName: "path"))
    var tokenFile: String?

    @Flag(help: "Accept events for PacketFlow's own topics (pf.* other than a molecule's pf.NAME.input, and __*), which are refused with 403 otherwise.")
    var allowInternalTopics = false

    @Option(help: ArgumentHelp("The largest request body, in bytes. Default: 1 MiB.", valueName: "bytes"))
    var maxBody: Int = 1 << 20

    @Option(help: ArgumentHelp(
        "Events waiting for the broker's acknowledgement at most; past it, 429. Default: 10000.", valueName: "n"))
    var maxInFlight: Int = 10_000

    @Option(help: ArgumentHelp("The Retry-After of 429 and 503 answers, in seconds.", valueName: "s"))
    var retryAfter: Int = 1

    @Option(help: ArgumentHelp("The packets' group: CF, DF, ED, CO, MC or RM.", valueName: "group"))
    var group: String = PacketGroup.eventDriven.symbol

    @Option(help: ArgumentHelp(
        "The field of each event that names the event (not the entity: two updates of one order need two ids), e.g. event_id or meta.id: its packet id becomes ingest:TOPIC:VALUE, so a retried or repeated post publishes the same id and an idempotent sink writes it once. An event without it gets 400.",
        valueName: "path"))
    var idField: String?

    @Flag(help: "Do not create missing topics; events to them fail with 503.")
    var noCreateTopics = false

    @Option(help: ArgumentHelp(
        "How much to log: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String = "info"

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard maxBody > 0 else { throw ValidationError("--max-body must be positive") }
        guard maxInFlight > 0 else { throw ValidationError("--max-in-flight must be positive") }
        guard retryAfter > 0 else { throw ValidationError("--retry-after must be positive") }
        if let idField, (try? JSONPath(idField)) == nil {
            throw ValidationError("--id-field \(idField): expected a field path such as event_id or meta.id")
        }
        guard PacketGroup(symbol: group) != nil else {
            throw ValidationError("--group \(group): expected one of CF, DF, ED, CO, MC, RM")
        }
    }

    func run() async throws {
        let logger = try standardErrorLogger(label: "packetflow.ingest", level: logLevel)
        let address: ListenAddress
        do { address = try ListenAddress(parsing: listen) } catch { throw ValidationError("--listen: \(error)") }

        let token = try Secret.read(flag: self.token, file: tokenFile, variable: "PACKETFLOW_INGEST_TOKEN")
        // Without a token anyone who reaches the port can publish: only this machine, then.
        if token?.isEmpty ?? true, !address.isLoopback {
            throw ValidationError(
                "--listen \(listen): without --token (or $PACKETFLOW_INGEST_TOKEN) ingest listens on a loopback address only, such as 127.0.0.1")
        }

        var server = HTTPIngestServer(bootstrapServers: connection.bootstrap)
        server.properties = try connection.properties()
        server.replicationFactor = connection.replicationFactor
        server.topicConfigs = try connection.topicConfigs()
        server.host = address.host
        server.port = address.port
        server.logger = logger
        server.configuration.token = token
        server.configuration.allowsInternalTopics = allowInternalTopics
        server.configuration.maxBodyBytes = maxBody
        server.configuration.maxInFlightEvents = maxInFlight
        server.configuration.retryAfter = .seconds(retryAfter)
        server.configuration.group = PacketGroup(symbol: group)!
        server.configuration.createTopics = !noCreateTopics
        server.configuration.idField = try idField.map { try JSONPath($0) }
        server.onListening = { [logger] port in
            logger.info("ingest listening", metadata: ["address": "http://\(address.host):\(port)"])
        }
        let serviceGroup = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await serviceGroup.run()
    }
}
