/// Where a consumer group that never committed starts reading a partition.
///
/// It decides what the lag of a partition with committed offset -1 means, the case KEDA's
/// users found mishandled: with ``earliest`` every message still on the partition
/// (high watermark - low watermark) is waiting; with ``latest`` nothing is, because the
/// consumer will start at the end. PacketFlow workers reset to `earliest`, so that is the
/// default everywhere in this module.
public enum OffsetResetPolicy: String, Sendable, Hashable, CaseIterable {
    /// Start at the low watermark: every retained message will be read.
    case earliest
    /// Start at the high watermark: only messages produced after the start will be read.
    case latest
}
