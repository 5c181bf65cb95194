import Foundation
import PacketFlowKafka

/// Names unique to one test, so tests sharing a cluster or running in parallel never meet.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// A test's deadline passed before what it waited for happened.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

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

/// Re-checks `condition` every 50 ms until it holds, failing after `limit`.
func waitUntil(
    _ what: String,
    within limit: Duration = .seconds(30),
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw DeadlineExceeded(what: what) }
        try await Task.sleep(for: .milliseconds(50))
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

extension KafkaConsumerConfiguration {
    /// A consumer configuration for tests: quick fetches, and quick joins on the embedded cluster.
    static func forTest(_ cluster: EmbeddedKafkaCluster, group: String) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupID: group)
        configuration.fetchWaitMax = .milliseconds(10)
        configuration.sessionTimeout = .seconds(6)
        return configuration
    }
}

/// Runs `body` with a fresh embedded cluster that stays up until `body` returns.
///
/// Without this, Swift may release the cluster after its last use in the test, while clients
/// still talk to it.
func withEmbeddedCluster<Result>(
    brokers: Int = 1,
    _ body: (EmbeddedKafkaCluster) async throws -> Result
) async throws -> Result {
    let cluster = try EmbeddedKafkaCluster.start(brokers: brokers)
    defer { withExtendedLifetime(cluster) {} }
    return try await body(cluster)
}
