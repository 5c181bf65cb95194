/// A change of a consumer's partitions, as its group rebalances.
public enum KafkaRebalanceEvent: Hashable, Sendable {
    /// The consumer now reads these partitions (in addition, under a cooperative strategy).
    case assigned([KafkaTopicPartition])
    /// The consumer no longer reads these partitions; commit what was processed of them.
    case revoked([KafkaTopicPartition])

    /// Partitions about to be taken from a consumer, as its revocation handler sees them.
    ///
    /// Handed to the `onRevoke` closure of `KafkaConsumer.init` inside librdkafka's rebalance
    /// callback, before the revocation is applied, so the handler can still commit them.
    public struct Revocation: Sendable {
        /// The partitions being revoked (all of them under an eager strategy, only those that
        /// move under a cooperative one).
        public var partitions: [KafkaTopicPartition]
        /// How many batches the poll thread had handed to readers when the revocation began.
        ///
        /// Batches are numbered 1, 2, ... in the order `KafkaConsumer.batches` yields them to
        /// its one reader: records of a revoked partition in a batch numbered at or below this
        /// were fetched before the revocation, and the partition's next owner reads them again.
        public var fetchedBatches: Int
        /// Whether the group already gave the partitions to another member (the session timed
        /// out): a commit would be refused, so do not wait for work in flight.
        public var isLost: Bool
        /// Commits positions at once, synchronously, before the handler returns: what is
        /// finished before waiting for what is in flight, while the group surely takes commits.
        /// (Members that finish their part of a rebalance rejoin at once; a group that has begun
        /// its next round may refuse a commit made later, and the embedded cluster does.)
        public var commit: @Sendable ([KafkaTopicPartition: Int64]) -> Void

        /// Creates a revocation, e.g. for tests of a handler.
        public init(
            partitions: [KafkaTopicPartition], fetchedBatches: Int, isLost: Bool = false,
            commit: @escaping @Sendable ([KafkaTopicPartition: Int64]) -> Void = { _ in }
        ) {
            self.partitions = partitions
            self.fetchedBatches = fetchedBatches
            self.isLost = isLost
            self.commit = commit
        }
    }
}
