import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowReactor

/// The lag source of a real cluster: `KafkaTopicAdmin` watermarks and committed offsets.
///
/// Reads never join the stage's consumer group, so sampling causes no rebalance. Thread-safe.
public struct KafkaLagSource: LagSource {
    private let admin: KafkaTopicAdmin

    /// A source reading the cluster at `bootstrapServers`; each call is bounded by `timeout`.
    public init(bootstrapServers: String, properties: [String: String] = [:], timeout: Duration = .seconds(5)) throws {
        admin = try KafkaTopicAdmin(bootstrapServers: bootstrapServers, properties: properties, timeout: timeout)
    }

    public func partitions(of stage: StagePlan) async throws -> [PartitionLagSample] {
        var samples: [PartitionLagSample] = []
        for (index, topic) in stage.inputTopics.enumerated() {
            let lag = try await admin.lag(group: stage.consumerGroup, topic: topic)
            samples += lag.partitions.map { partition in
                PartitionLagSample(
                    partition: Int32(index * 1_000) + partition.partition, lowWatermark: partition.low,
                    highWatermark: partition.high, committedOffset: partition.committed ?? -1)
            }
        }
        return samples
    }

    public func deadLetters(topic: String) async throws -> Int64 {
        guard let marks = try? await admin.watermarks(topic: topic) else { return 0 }
        return marks.reduce(0) { $0 + max(0, $1.high - $1.low) }
    }
}
