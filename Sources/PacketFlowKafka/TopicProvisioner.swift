import Logging

/// Makes sure topics exist with their partition counts, on the embedded broker or a real cluster.
///
/// Every PacketFlow command that needs a topic goes through this type, so the same call
/// works against `packetflow broker` and against a real Kafka cluster:
/// - it lists the cluster's topics (all-topics metadata, which never auto-creates one);
/// - a topic that exists with at least the requested partitions is left as it is; one with
///   fewer is used as it is when its spec accepts that (a user's own topic), else it is an
///   error (`partitionCountMismatch`), since neither side adds partitions here;
/// - if the cluster lists `TopicRequestChannel.topic`, it is the embedded broker: missing
///   topics are requested there (the mock answers no CreateTopics);
/// - otherwise missing topics are created with the Admin API's CreateTopics, with
///   `replicationFactor` and `topicConfigs` merged with the spec's own configs;
/// - either way it waits, bounded by `timeout`, until metadata shows every topic with its
///   partitions.
///
/// Never names a missing topic in a Metadata request: on the embedded broker that would
/// create it with 4 partitions. Thread-safe; each call opens and closes its own clients.
public struct TopicProvisioner: Sendable {
    /// The cluster's `bootstrap.servers` list, e.g. `127.0.0.1:9092`.
    public var bootstrapServers: String
    /// How long to wait for the cluster: bounds each request, and the wait from listing the
    /// topics to seeing the new ones in metadata. Default: 30 s.
    public var timeout: Duration
    /// Replicas for each topic created through CreateTopics on a real cluster. Default: 1.
    /// The embedded broker always keeps one replica.
    public var replicationFactor: Int
    /// Raw librdkafka properties for every client it opens (TLS and SASL settings of a real
    /// cluster). Default: none.
    public var properties: [String: String]
    /// Topic configs for every topic created through CreateTopics, such as `retention.ms`;
    /// a spec's own configs win over these. Default: none.
    public var topicConfigs: [String: String]

    private let logger: Logger

    /// A provisioner for the cluster at `bootstrapServers`; nothing connects until a call.
    public init(
        bootstrapServers: String,
        timeout: Duration = .seconds(30),
        replicationFactor: Int = 1,
        properties: [String: String] = [:],
        topicConfigs: [String: String] = [:],
        logger: Logger = Logger(label: "packetflow.topics")
    ) {
        self.bootstrapServers = bootstrapServers
        self.timeout = timeout
        self.replicationFactor = replicationFactor
        self.properties = properties
        self.topicConfigs = topicConfigs
        self.logger = logger
    }

    /// Makes sure topic `name` exists with at least `partitions` partitions.
    ///
    /// Throws `TopicError`: `invalidTopicSpec` for an illegal name or count,
    /// `partitionCountMismatch` when it exists with fewer partitions, `provisioningTimedOut`
    /// when it does not appear within `timeout`, `provisioningFailed` when the cluster
    /// cannot be reached or refuses.
    public func ensureTopic(_ name: String, partitions: Int) async throws(TopicError) {
        try await ensureTopics([TopicSpec(name: name, partitions: partitions)])
    }

    /// Makes sure every topic of `topics` exists with at least its partitions (or, where the
    /// spec accepts fewer, exists at all); returns each topic's partition count.
    ///
    /// Missing topics are created together and awaited together. Throws as
    /// `ensureTopic(_:partitions:)`.
    @discardableResult
    public func ensureTopics(_ topics: [TopicSpec]) async throws(TopicError) -> [String: Int] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let admin: KafkaTopicAdmin
        let existing: [String: Int]
        do {
            admin = try KafkaTopicAdmin(bootstrapServers: bootstrapServers, properties: properties, timeout: timeout)
            existing = try await Self.partitionCounts(admin)
        } catch {
            throw failure("cannot list the topics of the cluster at \(bootstrapServers)", error)
        }
        let missing = try Self.missing(topics, existing: existing)
        let counts = Dictionary(topics.map { ($0.name, existing[$0.name] ?? $0.partitions) }, uniquingKeysWith: max)
        guard !missing.isEmpty else { return counts }

        if existing[TopicRequestChannel.topic] != nil {
            try await request(missing)
        } else {
            for spec in missing {
                do {
                    try await admin.ensureTopic(
                        spec.name, partitions: spec.partitions, replicationFactor: replicationFactor,
                        configs: topicConfigs.merging(spec.configs) { _, own in own })
                } catch {
                    throw failure("cannot create topic \(spec) on the cluster at \(bootstrapServers)", error)
                }
            }
        }
        try await waitUntilListed(missing, admin: admin, deadline: deadline)
        return counts
    }

    /// Sends one request per topic to the embedded broker and waits for their delivery.
    private func request(_ topics: [TopicSpec]) async throws(TopicError) {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        configuration.properties = properties
        configuration.clientID = "packetflow-topic-provisioner"
        configuration.messageTimeout = timeout
        do {
            let producer = try KafkaProducer(configuration: configuration, logger: logger)
            for spec in topics {
                let message = TopicRequestChannel.message(for: spec)
                _ = try await producer.send(
                    KafkaProducerMessage(topic: TopicRequestChannel.topic, key: message.key, value: message.value)
                )
                logger.debug("requested topic from the embedded broker", metadata: ["topic": "\(spec)"])
            }
            await producer.close(timeout: .seconds(1))
        } catch {
            throw failure("cannot send topic requests to the embedded broker at \(bootstrapServers)", error)
        }
    }

    private func waitUntilListed(_ topics: [TopicSpec], admin: KafkaTopicAdmin, deadline: ContinuousClock.Instant) async throws(TopicError) {
        var pending = topics
        while true {
            do {
                pending = try Self.missing(pending, existing: await Self.partitionCounts(admin))
            } catch let error as TopicError {
                throw error
            } catch {
                logger.debug("listing topics failed; retrying", metadata: ["error": "\(error)"])
            }
            if pending.isEmpty { return }
            guard ContinuousClock().now < deadline else {
                throw TopicError(
                    code: .provisioningTimedOut,
                    message: "topics \(pending.map(\.description).joined(separator: ", ")) did not appear on \(bootstrapServers) within \(timeout); check the broker's log"
                )
            }
            // Spaces the metadata polls out; the loop's condition is the metadata itself.
            guard (try? await Task.sleep(for: .milliseconds(100))) != nil else {
                throw TopicError(code: .provisioningTimedOut, message: "stopped while waiting for topics on \(bootstrapServers)")
            }
        }
    }

    private static func partitionCounts(_ admin: KafkaTopicAdmin) async throws -> [String: Int] {
        Dictionary(try await admin.listTopics().map { ($0.name, $0.partitionCount) }, uniquingKeysWith: { first, _ in first })
    }

    /// The topics of `topics` that `existing` lacks; throws for one that has too few partitions.
    private static func missing(_ topics: [TopicSpec], existing: [String: Int]) throws(TopicError) -> [TopicSpec] {
        var missing: [TopicSpec] = []
        for spec in topics {
            guard let count = existing[spec.name] else {
                missing.append(spec)
                continue
            }
            guard count >= spec.partitions || spec.acceptsFewerPartitions else {
                throw TopicError(
                    code: .partitionCountMismatch,
                    message: "topic \(spec.name) has \(count) partitions, fewer than the \(spec.partitions) needed; recreate it with \(spec.partitions) (on the embedded broker: restart it with --topic \(spec))"
                )
            }
        }
        return missing
    }

    private func failure(_ context: String, _ error: any Error) -> TopicError {
        TopicError(code: .provisioningFailed, message: "\(context): \(error)")
    }
}
