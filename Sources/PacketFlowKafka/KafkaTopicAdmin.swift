import CRdKafka

/// Reads and shapes a cluster's topics and consumer offsets: topic lists, watermarks, lag.
///
/// Works against the embedded cluster and a real one. Never asks a cluster to describe
/// consumer groups (that request aborts the process hosting the embedded cluster): committed
/// offsets are read per partition instead. Every call blocks a dispatch thread, never the
/// cooperative pool, for at most `timeout`. Thread-safe.
public final class KafkaTopicAdmin: Sendable {
    private let client: RdKafkaClient
    private let errors: RdKafkaQueue
    private let bootstrapServers: String
    private let properties: [String: String]
    private let timeout: Duration

    /// Creates an admin client for the cluster at `bootstrapServers`.
    ///
    /// `properties` are raw librdkafka properties for every handle it opens. `timeout` bounds
    /// each call. Default: 10 s. Throws `KafkaError` naming a property librdkafka rejects.
    public init(bootstrapServers: String, properties: [String: String] = [:], timeout: Duration = .seconds(10)) throws {
        let client = try RdKafkaClient.make(
            type: RD_KAFKA_PRODUCER,
            properties: [("bootstrap.servers", bootstrapServers), ("client.id", "packetflow-admin")]
                + properties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        ) { conf in
            // Errors wait on the main queue, drained by `drainLastError`, instead of stderr.
            rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_ERROR)
        }
        self.client = client
        self.errors = RdKafkaQueue.makeMain(of: client)
        self.bootstrapServers = bootstrapServers
        self.properties = properties
        self.timeout = timeout
    }

    /// Checks that a broker answers, failing within `timeout` with the connection error,
    /// e.g. `broker 127.0.0.1:9 unreachable: connection refused`.
    public func waitUntilConnected(timeout: Duration = .seconds(10)) async throws {
        try await BlockingCall.run { [self] () throws(KafkaError) in
            try client.probeBrokers(timeout: timeout, bootstrapServers: bootstrapServers) { drainLastError() }
        }
    }

    /// Every topic of the cluster with its partition count, sorted by name.
    ///
    /// Creates no topic, even on the embedded cluster.
    public func listTopics() async throws -> [KafkaTopicDescription] {
        try await blocking { [self] () throws(KafkaError) in
            try client.allTopics(timeout: timeout)
                .map { KafkaTopicDescription(name: $0.name, partitionCount: $0.partitions.count) }
                .sorted { $0.name < $1.name }
        }
    }

    /// Makes sure `name` exists, creating it with the CreateTopics request if it does not.
    ///
    /// An existing topic is left as it is, whatever its partition count; a topic created
    /// concurrently by someone else counts as success. `configs` are topic configs such as
    /// `retention.ms`. The embedded cluster cannot create topics this way (it does not answer
    /// CreateTopics): use `EmbeddedKafkaCluster.createTopic` there.
    public func ensureTopic(
        _ name: String,
        partitions: Int,
        replicationFactor: Int = 1,
        configs: [String: String] = [:]
    ) async throws {
        try await blocking { [self] () throws(KafkaError) in
            if try client.allTopics(timeout: timeout).contains(where: { $0.name == name }) {
                return
            }
            try createTopic(name, partitions: partitions, replicationFactor: replicationFactor, configs: configs)
        }
    }

    /// The low and high watermark of every partition of `topic`, by partition id.
    ///
    /// Throws `KafkaError` with code `unknownTopicOrPartition` if the topic does not exist.
    public func watermarks(topic: String) async throws -> [KafkaPartitionWatermarks] {
        try await blocking { [self] () throws(KafkaError) in
            try readWatermarks(topic: topic)
        }
    }

    /// The offsets `group` committed for `partitions` of `topic`; `nil` where it has none.
    ///
    /// Reads them through a handle that uses the group's id without joining the group.
    public func committedOffsets(group: String, topic: String, partitions: [Int32]) async throws -> [Int32: Int64?] {
        try await blocking { [self] () throws(KafkaError) in
            try readCommitted(group: group, topic: topic, partitions: partitions)
        }
    }

    /// How far `group` is behind on `topic`, per partition and in total (see `KafkaGroupLag`).
    public func lag(group: String, topic: String) async throws -> KafkaGroupLag {
        try await blocking { [self] () throws(KafkaError) in
            let watermarks = try readWatermarks(topic: topic)
            let committed = try readCommitted(group: group, topic: topic, partitions: watermarks.map(\.partition))
            return KafkaGroupLag(group: group, topic: topic, partitions: watermarks.map { mark in
                KafkaGroupLag.Partition(partition: mark.partition, low: mark.low, high: mark.high, committed: committed[mark.partition] ?? nil)
            })
        }
    }

    /// Runs `body` off the cooperative pool, after dropping error events that piled up since
    /// the last call, so that a long outage cannot grow the main queue without bound.
    private func blocking<Result: Sendable>(
        _ body: @escaping @Sendable () throws(KafkaError) -> Result
    ) async throws(KafkaError) -> Result {
        try await BlockingCall.run { [self] () throws(KafkaError) in
            _ = drainLastError()
            return try body()
        }
    }

    private func readWatermarks(topic: String) throws(KafkaError) -> [KafkaPartitionWatermarks] {
        // Metadata for all topics: naming one would create it on the embedded cluster.
        guard let partitions = try client.allTopics(timeout: timeout).first(where: { $0.name == topic })?.partitions else {
            throw KafkaError(code: .unknownTopicOrPartition, message: "topic \(topic) does not exist on \(bootstrapServers)")
        }
        return try partitions.map { partition throws(KafkaError) in
            var low: Int64 = -1
            var high: Int64 = -1
            try KafkaError.check(
                rd_kafka_query_watermark_offsets(client.pointer, topic, partition, &low, &high, timeout.timeoutMilliseconds),
                "cannot read the watermarks of \(topic)[\(partition)]"
            )
            return KafkaPartitionWatermarks(partition: partition, low: low, high: high)
        }
    }

    private func readCommitted(group: String, topic: String, partitions: [Int32]) throws(KafkaError) -> [Int32: Int64?] {
        let reader = try RdKafkaClient.make(
            type: RD_KAFKA_CONSUMER,
            properties: [
                ("bootstrap.servers", bootstrapServers),
                ("group.id", group),
                ("client.id", "packetflow-admin"),
                ("partition.assignment.strategy", KafkaConsumerConfiguration.partitionAssignmentStrategy),
                ("enable.auto.commit", "false"),
            ] + properties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        )
        let list = RdKafkaTopicPartitionList.make(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) })
        try KafkaError.check(
            rd_kafka_committed(reader.pointer, list.pointer, timeout.timeoutMilliseconds),
            "cannot read the offsets group \(group) committed on \(topic)"
        )
        var offsets: [Int32: Int64?] = [:]
        for element in RdKafkaTopicPartitionList.elements(of: list.pointer) {
            try KafkaError.check(element.err, "cannot read the offset group \(group) committed on \(topic)[\(element.partition)]")
            // A negative offset (RD_KAFKA_OFFSET_INVALID) means the group never committed.
            offsets[element.partition] = element.offset >= 0 ? element.offset : nil
        }
        return offsets
    }

    private func createTopic(
        _ name: String,
        partitions: Int,
        replicationFactor: Int,
        configs: [String: String]
    ) throws(KafkaError) {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd_kafka_NewTopic_new(name, Int32(partitions), Int32(replicationFactor), &errorText, errorText.count) else {
            throw KafkaError(code: .invalidArgument, message: "cannot describe topic \(name): \(String(errorBuffer: errorText))")
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        for (key, value) in configs.sorted(by: { $0.key < $1.key }) {
            try KafkaError.check(rd_kafka_NewTopic_set_config(newTopic, key, value), "invalid config \(key)=\(value) for topic \(name)")
        }
        let options = rd_kafka_AdminOptions_new(client.pointer, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeout.timeoutMilliseconds, &errorText, errorText.count)
        let replies = rd_kafka_queue_new(client.pointer)
        defer { rd_kafka_queue_destroy(replies) }
        var topics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(client.pointer, &topics, 1, options, replies)
        // The request times out by itself after `timeout`; wait a little longer for its answer.
        guard let event = rd_kafka_queue_poll(replies, (timeout + .seconds(1)).timeoutMilliseconds) else {
            throw KafkaError(code: .timedOut, message: "no answer to creating topic \(name) within \(timeout)")
        }
        defer { rd_kafka_event_destroy(event) }
        try KafkaError.check(rd_kafka_event_error(event), "cannot create topic \(name) (does the cluster accept CreateTopics?)")
        var count = 0
        let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
        for result in UnsafeBufferPointer(start: results, count: count) {
            let error = rd_kafka_topic_result_error(result)
            guard error != RD_KAFKA_RESP_ERR_NO_ERROR, error != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS else { continue }
            let detail = rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? ""
            throw KafkaError(code: KafkaError.Code(error), message: "cannot create topic \(name): \(detail)")
        }
    }

    /// Takes every error event waiting on the main queue; returns the most telling text.
    private func drainLastError() -> String? {
        var last = LastClientError()
        while let event = rd_kafka_queue_poll(errors.pointer, 0) {
            if rd_kafka_event_type(event) == RD_KAFKA_EVENT_ERROR {
                last.record(rd_kafka_event_error(event), String(cString: rd_kafka_event_error_string(event)))
            }
            rd_kafka_event_destroy(event)
        }
        return last.text
    }
}
