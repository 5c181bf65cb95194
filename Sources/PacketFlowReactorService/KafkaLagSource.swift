import Logging
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowReactor

/// The lag source of a real cluster: `KafkaTopicAdmin` watermarks and committed offsets, and a
/// reader counting dead letters per stage.
///
/// Lag reads never join the stage's consumer group, so sampling causes no rebalance. The
/// dead-letter reader (``followDeadLetters()``) reads each molecule's dead-letter topic in a
/// group of its own. Thread-safe.
public struct KafkaLagSource: LagSource {
    private let admin: KafkaTopicAdmin
    private let deadLetterReader: KafkaDeadLetterReader

    /// A source reading the cluster at `bootstrapServers`; each call is bounded by `timeout`.
    public init(
        bootstrapServers: String, properties: [String: String] = [:], timeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "packetflow.reactor.lag")
    ) throws {
        admin = try KafkaTopicAdmin(bootstrapServers: bootstrapServers, properties: properties, timeout: timeout)
        deadLetterReader = KafkaDeadLetterReader(bootstrapServers: bootstrapServers, properties: properties, logger: logger)
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

    public func deadLetters(topic: String) async throws -> DeadLetterCounts {
        let marks = (try? await admin.watermarks(topic: topic)) ?? []
        return deadLetterReader.counts(topic: topic, watermarks: marks)
    }

    public func followDeadLetters() async throws {
        try await deadLetterReader.follow()
    }
}
