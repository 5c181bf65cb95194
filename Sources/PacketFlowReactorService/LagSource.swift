import PacketFlowLanguage
import PacketFlowReactor

/// Reads the offsets a stage's lag is computed from (watermarks and committed offsets) and the
/// dead letters of a molecule per stage.
///
/// ``KafkaLagSource`` reads a cluster; tests drive a fake one.
public protocol LagSource: Sendable {
    /// One sample per partition of the stage's input topics, for its consumer group.
    ///
    /// Partitions of a second input topic are numbered from 1,000, a third from 2,000, so
    /// one stage's partitions never collide.
    func partitions(of stage: StagePlan) async throws -> [PartitionLagSample]

    /// The molecule's dead-letter topic `topic`: its size and what each stage put there.
    ///
    /// Asking for a topic is what makes ``followDeadLetters()`` read it.
    func deadLetters(topic: String) async throws -> DeadLetterCounts

    /// Reads the dead-letter topics asked for until the task is cancelled; the reactor runs it
    /// beside its sampling loop. A source that counts without reading returns at once.
    func followDeadLetters() async throws
}
