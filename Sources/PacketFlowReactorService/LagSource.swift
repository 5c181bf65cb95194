import PacketFlowLanguage
import PacketFlowReactor

/// Reads the offsets a stage's lag is computed from: watermarks and committed offsets.
///
/// ``KafkaLagSource`` reads a cluster; tests drive a fake one.
public protocol LagSource: Sendable {
    /// One sample per partition of the stage's input topics, for its consumer group.
    ///
    /// Partitions of a second input topic are numbered from 1,000, a third from 2,000, so
    /// one stage's partitions never collide.
    func partitions(of stage: StagePlan) async throws -> [PartitionLagSample]

    /// Records in the molecule's dead-letter topic (high minus low watermark, summed).
    func deadLetters(topic: String) async throws -> Int64
}
