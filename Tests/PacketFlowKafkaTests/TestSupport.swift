import Foundation
import PacketFlowKafka
import PacketFlowTestSupport

/// Runs `body`, failing with `DeadlineExceeded` if it takes longer than `limit`.
func within<Result: Sendable>(
    _ limit: Duration,
    _ what: String,
    _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded(what: what)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// Takes the first `count` records from a consumer.
func collect(_ count: Int, from consumer: KafkaConsumer, within limit: Duration = .seconds(30)) async throws -> [KafkaMessage] {
    try await within(limit, "\(count) records") {
        var records: [KafkaMessage] = []
        for await record in consumer.messages {
            records.append(record)
            if records.count == count { break }
        }
        return records
    }
}

/// Reads the first `count` records of `topic` in a consumer group of its own, then leaves it.
func read(_ count: Int, from topic: String, on cluster: EmbeddedKafkaCluster) async throws -> [KafkaMessage] {
    let consumer = try KafkaConsumer(configuration: .forTest(cluster, group: uniqueName("group")))
    try consumer.subscribe(topics: [topic])
    let records = try await collect(count, from: consumer)
    try await consumer.close()
    return records
}

extension KafkaConsumerConfiguration {
    /// A consumer configuration for tests: quick fetches, and quick joins on the embedded cluster.
    static func forTest(_ cluster: EmbeddedKafkaCluster, group: String) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupID: group)
        configuration.fetchWaitMax = .milliseconds(10)
        configuration.sessionTimeout = .seconds(6)
        return configuration
    }
}
