/// The offsets of all partitions of a stage's input topic at one sample time.
///
/// `time` is an offset from any origin the caller chooses (the reactor's start, say); only
/// differences between samples matter, so the logic never reads a clock. `readyReplicas` is
/// the number of the stage's workers that were consuming during the interval that ends at
/// this sample (running and joined, not those still starting): the per-replica rate is
/// measured against it.
public struct StageSample: Sendable, Hashable {
    /// When the sample was taken, as an offset from the caller's origin.
    public var time: Duration
    /// Workers of the stage that were consuming at the time.
    public var readyReplicas: Int
    /// One entry per partition of the input topic.
    public var partitions: [PartitionLagSample]

    /// Creates a sample.
    public init(time: Duration, readyReplicas: Int, partitions: [PartitionLagSample]) {
        self.time = time
        self.readyReplicas = readyReplicas
        self.partitions = partitions
    }

    /// Total lag over all partitions (see ``PartitionLagSample/lag(resetPolicy:)``).
    public func totalLag(resetPolicy: OffsetResetPolicy) -> Int64 {
        partitions.reduce(0) { $0 + $1.lag(resetPolicy: resetPolicy) }
    }

    /// The sample of one partition, if the topic had it at the time.
    public func partition(_ number: Int32) -> PartitionLagSample? {
        partitions.first { $0.partition == number }
    }
}
