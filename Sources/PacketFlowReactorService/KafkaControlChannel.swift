import Logging
import PacketFlowBroker
import PacketFlowCore
import PacketFlowKafka

/// The control topic (`pf.control`): MC packets in both directions.
///
/// The reactor publishes its decisions and healing reactions here, and reads
/// ``ScaleOverride`` packets that `packetflow scale` writes. Overrides are read in the
/// consumer group `packetflow-reactor`, committed, so a restarted reactor does not obey an
/// old override twice. Thread-safe.
public struct KafkaControlChannel: ControlPublisher {
    /// The default control topic, the one workers of MC stages write to.
    public static let defaultTopic = "pf.control"
    /// The consumer group reading overrides.
    public static let consumerGroup = "packetflow-reactor"

    /// The cluster's bootstrap address.
    public let bootstrapServers: String
    /// The control topic.
    public let topic: String
    private let properties: [String: String]
    private let producer: KafkaProducer
    private let logger: Logger

    /// Makes sure the topic exists (one partition, so packets keep one order) and opens a
    /// producer. Throws ``ReactorError`` (`controlFailed`).
    public static func open(
        bootstrapServers: String, topic: String = defaultTopic, properties: [String: String] = [:], logger: Logger
    ) async throws -> KafkaControlChannel {
        do {
            try await TopicProvisioner(bootstrapServers: bootstrapServers, properties: properties, logger: logger)
                .ensureTopic(topic, partitions: 1)
            var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
            configuration.clientID = "packetflow-reactor-control"
            configuration.properties = properties
            let producer = try KafkaProducer(configuration: configuration, logger: logger)
            return KafkaControlChannel(
                bootstrapServers: bootstrapServers, topic: topic, properties: properties, producer: producer,
                logger: logger)
        } catch {
            throw ReactorError(.controlFailed, "cannot open the control topic \(topic) at \(bootstrapServers): \(error)")
        }
    }

    private init(
        bootstrapServers: String, topic: String, properties: [String: String], producer: KafkaProducer, logger: Logger
    ) {
        self.bootstrapServers = bootstrapServers
        self.topic = topic
        self.properties = properties
        self.producer = producer
        self.logger = logger
    }

    public func publish(_ packet: Packet) async throws {
        let record = PacketWireFormat.record(for: packet, topic: topic)
        do {
            _ = try await producer.send(
                KafkaProducerMessage(
                    topic: topic, key: record.key, value: record.value,
                    headers: record.headers.map { KafkaHeader(key: $0.name, value: $0.value) }))
        } catch {
            throw ReactorError(.controlFailed, "cannot write a \(packet.kind) packet to \(topic): \(error)")
        }
    }

    /// Reads overrides until the task is cancelled, handing each to `obey` in order.
    ///
    /// Packets of other kinds (the reactor's own decisions) are skipped. Offsets are committed
    /// after `obey` returns.
    public func readOverrides(_ obey: @Sendable (ScaleOverride) async -> Void) async throws {
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
            let record = PacketRecord(
                topic: message.topic, partition: message.partition, offset: message.offset,
                key: message.key, value: message.value,
                headers: message.headers.map { PacketHeader(name: $0.key, value: $0.value) })
            if let packet = try? PacketWireFormat.packet(from: record, defaultGroup: .metaComputational),
                let override = ScaleOverride(packet: packet)
            {
                await obey(override)
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
