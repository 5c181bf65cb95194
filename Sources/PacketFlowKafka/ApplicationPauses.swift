import Synchronization

/// The partitions the application paused with `KafkaConsumer.pause(_:)` and has not resumed.
///
/// The poll thread pauses and resumes the whole assignment on its own when readers fall
/// behind; it must never resume one of these. A revocation forgets the revoked ones: a
/// partition assigned again starts unpaused, like any new assignment. Thread-safe.
final class ApplicationPauses: Sendable {
    private let partitions = Mutex<Set<KafkaTopicPartition>>([])

    /// Notes partitions the application paused.
    func add(_ paused: [KafkaTopicPartition]) {
        partitions.withLock { $0.formUnion(paused) }
    }

    /// Notes partitions the application resumed, or that were revoked.
    func remove(_ partitions: [KafkaTopicPartition]) {
        self.partitions.withLock { $0.subtract(partitions) }
    }

    /// `candidates` without the partitions the application holds paused.
    func excluded(from candidates: [KafkaTopicPartition]) -> [KafkaTopicPartition] {
        partitions.withLock { held in candidates.filter { !held.contains($0) } }
    }
}
