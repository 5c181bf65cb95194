/// How many records sent with `KafkaProducer.enqueue` were delivered or failed so far.
///
/// Only the first failures are kept (`KafkaDeliveryCounts.keptFailureLimit`), so that a broken
/// cluster cannot fill memory; `failed` still counts all of them.
public struct KafkaDeliveryCounts: Sendable {
    /// How many failures `firstFailures` keeps at most.
    public static let keptFailureLimit = 16

    /// Records the cluster acknowledged.
    public var delivered: Int = 0
    /// Records that could not be delivered (after librdkafka's retries).
    public var failed: Int = 0
    /// The first failures, oldest first, at most `keptFailureLimit`.
    public var firstFailures: [KafkaError] = []

    /// Records that have a final outcome.
    public var completed: Int { delivered + failed }

    mutating func recordFailure(_ error: KafkaError) {
        failed += 1
        if firstFailures.count < Self.keptFailureLimit {
            firstFailures.append(error)
        }
    }
}
