/// A change of a consumer's partitions, as its group rebalances.
public enum KafkaRebalanceEvent: Hashable, Sendable {
    /// The consumer now reads these partitions (in addition, under a cooperative strategy).
    case assigned([KafkaTopicPartition])
    /// The consumer no longer reads these partitions; commit what was processed of them.
    case revoked([KafkaTopicPartition])
}
