/// How a `KafkaConsumer` joins its group, fetches and commits.
///
/// Typed fields cover what PacketFlow tunes; `properties` passes any other librdkafka
/// property through unchanged and is applied last, so it overrides the typed fields.
public struct KafkaConsumerConfiguration: Sendable {
    /// The `partition.assignment.strategy` every PacketFlow client uses: `cooperative-sticky`.
    ///
    /// A cooperative strategy: a rebalance moves only the partitions that change owner. Members
    /// keep fetching the rest throughout; a partition that moves is first revoked from its owner
    /// (which commits what it finished, with the group stable), then assigned to its new owner
    /// in a second round. All members of a group must send the same strategy (on the embedded
    /// cluster a mismatch aborts the process): another librdkafka tool joining a PacketFlow
    /// group needs `partition.assignment.strategy=cooperative-sticky` (`kcat -G ... -X ...`).
    public static let partitionAssignmentStrategy = "cooperative-sticky"

    /// Where a partition without a committed offset starts.
    public enum OffsetReset: String, Sendable {
        /// From the oldest record still kept.
        case earliest
        /// From the next record produced.
        case latest
    }

    /// Comma-separated `host:port` list of brokers to bootstrap from.
    public var bootstrapServers: String
    /// The consumer group to join (`group.id`).
    public var groupID: String
    /// The client id brokers log and quota on. Default: `packetflow`.
    public var clientID: String = "packetflow"
    /// Where to start without a committed offset (`auto.offset.reset`). Default: `.earliest`.
    public var offsetReset: OffsetReset = .earliest
    /// How long the group waits for a silent member before reassigning its partitions
    /// (`session.timeout.ms`). A member joining a running group on the embedded cluster waits
    /// about this long minus 1 s. Default: 45 s.
    public var sessionTimeout: Duration = .seconds(45)
    /// Longest time the broker holds a Fetch waiting for data (`fetch.wait.max.ms`): the
    /// latency floor on a quiet topic. Default: 100 ms (librdkafka's is 500 ms).
    public var fetchWaitMax: Duration = .milliseconds(100)
    /// Commit stored offsets periodically (`enable.auto.commit`). Default: `true`.
    public var autoCommit: Bool = true
    /// Period of automatic commits (`auto.commit.interval.ms`). Default: 5 s.
    public var autoCommitInterval: Duration = .seconds(5)
    /// Store each record's offset when it is handed out (`enable.auto.offset.store`).
    /// Default: `false`: call `KafkaConsumer.storeOffset(of:)` once a record is processed, so a
    /// commit never covers records that were not.
    public var autoOffsetStore: Bool = false
    /// Longest pause between polls before the member is considered stuck and leaves the
    /// group (`max.poll.interval.ms`). Default: 300 s.
    public var maxPollInterval: Duration = .seconds(300)
    /// Records librdkafka prefetches ahead of the reader (`queued.min.messages`).
    ///
    /// With librdkafka 2.0.2 a consumer whose prefetch queue reaches this stops fetching until
    /// an idle timer fires, up to 1 s later: a fast reader sees bursts and 1 s pauses
    /// (measured: 1M records of ~100 bytes take 3-5 s at the default, 0.5 s at 1,000,000,
    /// and 10 s at 10,000). Raise it for throughput, at the cost of memory. Default: 100,000.
    public var prefetchMessageLimit: Int = 100_000
    /// Most records the poll thread takes from librdkafka at once; also the largest batch
    /// `KafkaConsumer.batches` yields. Default: 1,000.
    public var pollBatchSize: Int = 1_000
    /// Whether a poll waits, up to 100 ms, for `pollBatchSize` records (librdkafka's batch
    /// consume). `false` hands on at once whatever has arrived, up to `pollBatchSize`: a lone
    /// record goes on without waiting, and under load batches are as large as ever
    /// (latency-first readers). Default: `true`.
    public var fillsBatches: Bool = true
    /// Most records buffered between the poll thread and the reader; when full, the poll
    /// thread stops fetching until the reader catches up. Default: 10,000.
    public var bufferedMessageLimit: Int = 10_000
    /// Raw librdkafka properties, applied after the typed fields. Default: empty.
    public var properties: [String: String] = [:]

    /// Creates a configuration for `groupID` on the cluster at `bootstrapServers`.
    public init(bootstrapServers: String, groupID: String) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
    }

    /// Every property in the order librdkafka receives it.
    var librdkafkaProperties: [(key: String, value: String)] {
        [
            ("bootstrap.servers", bootstrapServers),
            ("group.id", groupID),
            ("client.id", clientID),
            ("partition.assignment.strategy", Self.partitionAssignmentStrategy),
            ("auto.offset.reset", offsetReset.rawValue),
            ("session.timeout.ms", String(sessionTimeout.milliseconds)),
            ("fetch.wait.max.ms", String(fetchWaitMax.milliseconds)),
            ("enable.auto.commit", String(autoCommit)),
            ("auto.commit.interval.ms", String(autoCommitInterval.milliseconds)),
            ("enable.auto.offset.store", String(autoOffsetStore)),
            ("max.poll.interval.ms", String(maxPollInterval.milliseconds)),
            ("queued.min.messages", String(prefetchMessageLimit)),
        ] + properties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
