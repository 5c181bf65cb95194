import Logging
import PacketFlowKafka
import ServiceLifecycle

/// The embedded Kafka cluster and its topic-request handler, as one `Service`.
///
/// `start(brokers:topics:logger:)` starts librdkafka's mock cluster in this process, creates
/// the requested topics and the request topic (`TopicRequestChannel.topic`, 1 partition).
/// `run()` serves topic requests from other processes until graceful shutdown or
/// cancellation; the cluster itself lives as long as this object.
public final class EmbeddedClusterService: Service {
    /// The brokers' own addresses (127.0.0.1, random ports), in broker order.
    public let brokerAddresses: [ListenAddress]

    /// The brokers' addresses as a `bootstrap.servers` list, bypassing any forwarder.
    public var bootstrapServers: String { cluster.bootstrapServers }

    private let cluster: EmbeddedKafkaCluster
    /// The topics created at start, reported once `run()` begins.
    private let initialTopics: [TopicSpec]
    private let logger: Logger

    private init(cluster: EmbeddedKafkaCluster, brokerAddresses: [ListenAddress], initialTopics: [TopicSpec], logger: Logger) {
        self.cluster = cluster
        self.brokerAddresses = brokerAddresses
        self.initialTopics = initialTopics
        self.logger = logger
    }

    /// Starts a cluster of `brokers` brokers and creates `topics` and the request topic.
    ///
    /// Returns once the brokers listen; the blocking librdkafka calls run on a dispatch
    /// thread. Logs nothing: a caller that fails later (say, its forwarder's port is in use)
    /// reports one error alone. Throws `BrokerError` with code `invalidBrokerCount` when
    /// `brokers` is below 1, or `clusterFailed` when librdkafka cannot start the cluster or
    /// create a topic.
    public static func start(brokers: Int, topics: [TopicSpec] = [], logger: Logger) async throws(BrokerError) -> EmbeddedClusterService {
        guard brokers >= 1 else {
            throw BrokerError(code: .invalidBrokerCount, message: "the embedded broker needs at least 1 broker, not \(brokers)")
        }
        let requests: TopicSpec
        do {
            requests = try TopicSpec(name: TopicRequestChannel.topic, partitions: 1)
        } catch {
            throw BrokerError(code: .clusterFailed, message: error.message)
        }
        let initialTopics = [requests] + topics
        let cluster = try await BlockingWork.run { () throws(BrokerError) in
            let cluster: EmbeddedKafkaCluster
            do {
                cluster = try EmbeddedKafkaCluster.start(brokers: brokers)
            } catch {
                throw BrokerError(code: .clusterFailed, message: "cannot start the embedded Kafka cluster: \(error)")
            }
            for topic in initialTopics {
                do {
                    try cluster.createTopic(topic.name, partitions: topic.partitions)
                } catch {
                    throw BrokerError(code: .clusterFailed, message: "cannot create topic \(topic): \(error)")
                }
            }
            return cluster
        }
        var addresses: [ListenAddress] = []
        for server in cluster.bootstrapServers.split(separator: ",") {
            addresses.append(try ListenAddress(parsing: String(server)))
        }
        return EmbeddedClusterService(cluster: cluster, brokerAddresses: addresses, initialTopics: initialTopics, logger: logger)
    }

    /// Serves topic requests until graceful shutdown or cancellation, then leaves its group.
    ///
    /// Reads `TopicRequestChannel.topic` as the only member of its own consumer group,
    /// `packetflow-broker-topic-requests`, from the earliest request (the group's first join
    /// takes about 3 s). Each valid request creates its topic; malformed requests are logged
    /// and skipped.
    public func run() async throws {
        logger.info(
            "embedded cluster running",
            metadata: [
                "brokers": "\(bootstrapServers)",
                "topics": "\(initialTopics.map(\.description).joined(separator: ", "))",
            ]
        )
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrapServers,
            groupID: "packetflow-broker-topic-requests"
        )
        configuration.clientID = "packetflow-broker"
        configuration.offsetReset = .earliest
        // The group lives and dies with this in-memory cluster: there is nothing to resume.
        configuration.autoCommit = false
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let admin = try KafkaTopicAdmin(bootstrapServers: bootstrapServers)
        try consumer.subscribe(topics: [TopicRequestChannel.topic])

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { [self] in
                for await message in consumer.messages {
                    await serve(message, admin: admin)
                }
            }
            // Returns on graceful shutdown, throws on cancellation: either way, stop serving.
            // Closing the consumer ends `messages`, and so the task above.
            try? await gracefulShutdown()
            do {
                try await consumer.close()
            } catch {
                logger.warning("the topic-request consumer did not leave its group cleanly: \(error)")
            }
            try await tasks.waitForAll()
        }
    }

    /// Creates the topic `message` asks for; logs, never throws, so one bad request stops nothing.
    private func serve(_ message: KafkaMessage, admin: KafkaTopicAdmin) async {
        let spec: TopicSpec
        do {
            spec = try TopicRequestChannel.spec(key: message.key, value: message.value)
        } catch {
            logger.warning("\(error)")
            return
        }
        let cluster = self.cluster
        do {
            let created = try await BlockingWork.run { () throws(BrokerError) in
                do {
                    try cluster.createTopic(spec.name, partitions: spec.partitions)
                    return true
                } catch let error as KafkaError where error.code == .topicAlreadyExists {
                    return false
                } catch {
                    throw BrokerError(code: .clusterFailed, message: "cannot create topic \(spec) on request: \(error)")
                }
            }
            if created {
                logger.info("created topic on request", metadata: ["topic": "\(spec.name)", "partitions": "\(spec.partitions)"])
            } else {
                await reportExisting(spec, admin: admin)
            }
        } catch {
            logger.error("\(error)")
        }
    }

    private func reportExisting(_ spec: TopicSpec, admin: KafkaTopicAdmin) async {
        let existing: Int
        do {
            guard let topic = try await admin.listTopics().first(where: { $0.name == spec.name }) else { return }
            existing = topic.partitionCount
        } catch {
            logger.warning("topic \(spec.name) exists; cannot read its partition count: \(error)")
            return
        }
        if existing < spec.partitions {
            logger.warning(
                "topic \(spec.name) exists with \(existing) partitions, fewer than the \(spec.partitions) requested; the embedded broker cannot add partitions (a client that names a topic before it exists creates it with 4): restart the broker with --topic \(spec)"
            )
        } else {
            logger.info("topic exists already; left as it is", metadata: ["topic": "\(spec.name)", "partitions": "\(existing)"])
        }
    }
}
