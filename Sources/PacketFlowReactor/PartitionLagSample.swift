/// The offsets of one partition of a stage's input topic, as sampled at one moment.
///
/// The sampler fills it from `rd_kafka_query_watermark_offsets` (low and high watermark) and
/// `rd_kafka_committed` (the stage's consumer group). A committed offset of -1 means the
/// group never committed on this partition; ``lag(resetPolicy:)`` and ``position(resetPolicy:)``
/// say how that case is read.
public struct PartitionLagSample: Sendable, Hashable {
    /// The partition number.
    public var partition: Int32
    /// The oldest offset still stored; retention moves it forward.
    public var lowWatermark: Int64
    /// The offset the next produced message will get.
    public var highWatermark: Int64
    /// The consumer group's committed offset (the next message it will read), or -1 for none.
    public var committedOffset: Int64

    /// Creates a sample; `committedOffset` is -1 when the group has no commit on the partition.
    public init(partition: Int32, lowWatermark: Int64, highWatermark: Int64, committedOffset: Int64) {
        self.partition = partition
        self.lowWatermark = lowWatermark
        self.highWatermark = highWatermark
        self.committedOffset = committedOffset
    }

    /// Whether the group has a commit on this partition.
    public var hasCommitted: Bool { committedOffset >= 0 }

    /// The offset the group will read next.
    ///
    /// The committed offset when there is one, but never below the low watermark (retention
    /// deleted what lies below, the consumer resets past it). With no commit, the low
    /// watermark for ``OffsetResetPolicy/earliest`` and the high watermark for
    /// ``OffsetResetPolicy/latest``.
    public func position(resetPolicy: OffsetResetPolicy) -> Int64 {
        guard hasCommitted else {
            return resetPolicy == .earliest ? lowWatermark : highWatermark
        }
        return min(max(committedOffset, lowWatermark), highWatermark)
    }

    /// Messages waiting on this partition: high watermark - ``position(resetPolicy:)``.
    ///
    /// Counts only messages that still exist, so it is never negative and never counts
    /// messages retention already deleted (see ``isLosingData``). An empty partition has lag 0.
    public func lag(resetPolicy: OffsetResetPolicy) -> Int64 {
        highWatermark - position(resetPolicy: resetPolicy)
    }

    /// The offset processing rates are measured on: the committed offset, or where a group
    /// without a commit will start. Unlike ``position(resetPolicy:)`` it does not follow the
    /// low watermark, so retention deleting messages never looks like processing.
    func progressOffset(resetPolicy: OffsetResetPolicy) -> Int64 {
        hasCommitted ? committedOffset : position(resetPolicy: resetPolicy)
    }

    /// True when retention deleted messages the group had not read yet (LOSS).
    ///
    /// That is, the low watermark passed the committed offset. A group without a commit
    /// never counts as losing data: it had no position to lose from.
    public var isLosingData: Bool { hasCommitted && lowWatermark > committedOffset }
}
