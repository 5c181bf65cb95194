/// How far a consumer group is behind on one topic, per partition and in total.
///
/// A partition's lag is `high - committed`: the records written that the group has not
/// committed. A partition the group never committed counts everything still kept,
/// `high - low` (what a group starting from the earliest offset would have to read).
public struct KafkaGroupLag: Hashable, Sendable {
    /// One partition's offsets and lag.
    public struct Partition: Hashable, Sendable {
        /// The partition's id.
        public var partition: Int32
        /// The oldest offset still kept.
        public var low: Int64
        /// The offset the next record will get.
        public var high: Int64
        /// The group's committed offset (the next record it will read), `nil` if none.
        public var committed: Int64?

        /// Creates a partition's lag record.
        public init(partition: Int32, low: Int64, high: Int64, committed: Int64?) {
            self.partition = partition
            self.low = low
            self.high = high
            self.committed = committed
        }

        /// `high - committed`, or `high - low` without a commit; never negative.
        public var lag: Int64 {
            max(0, high - (committed ?? low))
        }
    }

    /// The consumer group.
    public var group: String
    /// The topic.
    public var topic: String
    /// Every partition of the topic, by id.
    public var partitions: [Partition]

    /// Creates a lag record.
    public init(group: String, topic: String, partitions: [Partition]) {
        self.group = group
        self.topic = topic
        self.partitions = partitions
    }

    /// The sum of the partitions' lag.
    public var total: Int64 {
        partitions.reduce(0) { $0 + $1.lag }
    }
}
