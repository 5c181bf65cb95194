import CRdKafka

/// An in-process Kafka cluster: librdkafka's mock cluster, for tests, benchmarks and dev mode.
///
/// The brokers listen on 127.0.0.1 at random ports (see `bootstrapServers`) and accept
/// connections from any client, in this process or another (kcat, kafka-python). The cluster
/// lives as long as this object; it stops when the last reference goes away.
///
/// Limits of the mock (librdkafka 2.0.2): no CreateTopics/DeleteTopics/DescribeGroups
/// (create topics with `createTopic`), a Metadata request naming an unknown topic creates it
/// with 4 partitions, each partition keeps at most 5 MB or 100,000 batches, and all members
/// of one consumer group must use the same `partition.assignment.strategy` or the process
/// aborts. Admin DescribeConsumerGroups against it aborts the process too.
public final class EmbeddedKafkaCluster: @unchecked Sendable {
    // @unchecked Sendable: both handles are set once in init and never change; librdkafka's
    // mock API posts every call to the cluster's own thread, so calls from any thread are safe.

    /// The comma-separated `host:port` list of the cluster's brokers, for `bootstrap.servers`.
    public let bootstrapServers: String

    /// The producer handle the mock cluster runs inside; it never produces.
    private let host: RdKafkaClient
    /// The `rd_kafka_mock_cluster_t *`.
    private let cluster: OpaquePointer

    private init(host: RdKafkaClient, cluster: OpaquePointer) {
        self.host = host
        self.cluster = cluster
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        // The mock cluster must go before its host handle, or librdkafka asserts. `host` is a
        // stored property, so it is released only after this body returns.
        rd_kafka_mock_cluster_destroy(cluster)
    }

    /// Starts a cluster of `brokers` brokers on 127.0.0.1.
    ///
    /// Returns once the brokers listen. Throws `KafkaError` if librdkafka cannot start them.
    public static func start(brokers: Int = 3) throws -> EmbeddedKafkaCluster {
        guard brokers >= 1 else {
            throw KafkaError(code: .invalidArgument, message: "an embedded cluster needs at least 1 broker, not \(brokers)")
        }
        // The host handle only carries the mock; keep it quiet about having no bootstrap list.
        let host = try RdKafkaClient.make(
            type: RD_KAFKA_PRODUCER,
            properties: [("client.id", "packetflow-embedded-cluster"), ("log_level", "3")]
        )
        guard let cluster = rd_kafka_mock_cluster_new(host.pointer, Int32(brokers)) else {
            throw KafkaError(code: .state, message: "cannot start an embedded Kafka cluster with \(brokers) brokers")
        }
        return EmbeddedKafkaCluster(host: host, cluster: cluster)
    }

    /// Creates `name` with `partitions` partitions, each with `replicationFactor` replicas.
    ///
    /// Create every topic before a client names it: a Metadata request for an unknown topic
    /// makes the mock create it with 4 partitions. Creating an existing topic throws
    /// `KafkaError` with code `topicAlreadyExists`.
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws {
        guard partitions >= 1, replicationFactor >= 1 else {
            throw KafkaError(
                code: .invalidArgument,
                message: "topic \(name) needs at least 1 partition and 1 replica (got \(partitions), \(replicationFactor))"
            )
        }
        let result = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor))
        try KafkaError.check(result, "cannot create topic \(name) on the embedded cluster")
    }
}
