/// The offset range a partition holds: `low` is its oldest kept record, `high` the next offset
/// to be written, so it holds `high - low` records.
public struct KafkaPartitionWatermarks: Hashable, Sendable {
    /// The partition's id.
    public var partition: Int32
    /// The oldest offset still kept (it moves up as retention drops records).
    public var low: Int64
    /// The offset the next record will get.
    public var high: Int64

    /// Creates a watermark pair.
    public init(partition: Int32, low: Int64, high: Int64) {
        self.partition = partition
        self.low = low
        self.high = high
    }
}
