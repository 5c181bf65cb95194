import Logging
import PacketFlowCore
import PacketFlowKafka
import PacketFlowWire

/// The control topic (`pf.control`): MC packets in both directions.
///
/// The reactor publishes its decisions, healing reactions, pauses and resumes here (those of
/// `packetflow pause` and `resume` too, which reach it through its API), and reads
/// ``ScaleOverride`` and ``StagePauseCommand`` packets that MC stages write, its own pauses and
/// workers' load reports. Commands are read in the
/// consumer group `packetflow-reactor`, committed, so a restarted reactor does not obey an
/// old command twice. Thread-safe.
public struct KafkaControlChannel: ControlPublisher {
    /// The default control topic, the one workers of MC stages write to.
    public static let defaultTopic = "pf.control"
    /// The consumer group reading overrides.
    public static let consumerGroup = "packetflow-reactor"

    /// The cluster's bootstrap address.
    public var bootstrapServers: String { connection.bootstrapServers }
    /// The control topic.
    public var topic: String { connection.name }
    private let connection: ReactorTopic
    private var properties: [String: String] { connection.properties }
    private var producer: KafkaProducer { connection.producer }
    private var logger: Logger { connection.logger }

    /// Makes sure the topic exists (one partition, so packets keep one order; on a real
    /// cluster, `replicationFactor` replicas) and opens a producer. Throws ``ReactorError`` (`controlFailed`).
    public static func open(
        bootstrapServers: String, topic: String = defaultTopic, properties: [String: String] = [:],
        replicationFactor: Int = 1, logger: Logger
    ) async throws -> KafkaControlChannel {
        do {
            return KafkaControlChannel(
                connection: try await ReactorTopic.open(
                    bootstrapServers: bootstrapServers, name: topic, properties: properties,
                    replicationFactor: replicationFactor, configs: [:],
                    clientID: "packetflow-reactor-control", logger: logger))
        } catch {
            throw ReactorError(.controlFailed, "cannot open the control topic \(topic) at \(bootstrapServers): \(error)")
        }
    }

    private init(connection: ReactorTopic) {
        self.connection = connection
    }

    public func publish(_ packet: Packet) async throws {
        do {
            _ = try await producer.send(PacketWireFormat.record(for: packet, topic: topic).producerMessage)
        } catch {
            throw ReactorError(.controlFailed, "cannot write a \(packet.kind) packet to \(topic): \(error)")
        }
    }

    /// Reads commands (scale overrides, pauses and resumes) until the task is cancelled,
    /// handing each to `obey` in order.
    ///
    /// Packets of other kinds (the reactor's own decisions) are skipped. Offsets are committed
    /// after `obey` returns.
    public func readCommands(_ obey: @Sendable (ControlCommand) async -> Void) async throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: Self.consumerGroup)
        configuration.offsetReset = .earliest
        configuration.sessionTimeout = .seconds(6)
        configuration.fetchWaitMax = .milliseconds(50)
        configuration.autoCommitInterval = .milliseconds(500)
        configuration.properties = properties
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        try consumer.subscribe(topics: [topic])
        // A cancelled reader gets nil from the consumer: the loop ends with the task.
        for await message in consumer.messages {
            if let packet = try? PacketWireFormat.packet(from: PacketRecord(consumed: message), defaultGroup: .metaComputational),
                let command = ControlCommand(packet: packet)
            {
                await obey(command)
            }
            try? consumer.storeOffset(of: message)
        }
        try? await consumer.commit()
        try? await consumer.close()
    }

    /// Flushes and closes the producer.
    public func close() async {
        await producer.close(timeout: .seconds(5))
    }
}
