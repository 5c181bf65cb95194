import Foundation
import Logging
import PacketFlowBroker
import PacketFlowKafka

/// Names unique to one test, so tests sharing a cluster or running in parallel never meet.
public func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// A test's deadline passed before what it waited for happened.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    public var what: String

    /// An error saying `what` did not happen in time.
    public init(what: String) {
        self.what = what
    }

    public var description: String { "timed out waiting for \(what)" }
}

/// Re-checks `condition` every 50 ms until it holds, failing after `limit`.
///
/// The pause between polls only spaces the attempts out; the condition decides.
public func waitUntil(
    _ what: String,
    within limit: Duration = .seconds(30),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw DeadlineExceeded(what: what) }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// Runs `body` with a fresh embedded cluster that stays up until `body` returns.
public func withEmbeddedCluster<Result>(
    brokers: Int = 1,
    _ body: (EmbeddedKafkaCluster) async throws -> Result
) async throws -> Result {
    let cluster = try EmbeddedKafkaCluster.start(brokers: brokers)
    defer { withExtendedLifetime(cluster) {} }
    return try await body(cluster)
}

/// Runs `body` with the embedded broker `packetflow broker` runs: the cluster, its topic-request
/// channel and a bootstrap forwarder on a free port, all stopped when `body` returns.
///
/// Commands that create topics (publish, worker, deploy) need the request channel; a bare
/// ``withEmbeddedCluster(brokers:_:)`` cannot create topics for them.
public func withEmbeddedBroker<Result: Sendable>(
    brokers: Int = 1,
    _ body: (EmbeddedBroker) async throws -> Result
) async throws -> Result {
    var logger = Logger(label: "packetflow.test.broker")
    logger.logLevel = .error
    return try await EmbeddedBroker.withRunning(brokers: brokers, logger: logger, body)
}

extension EmbeddedBroker {
    /// The bootstrap address as a `bootstrap.servers` string.
    public var bootstrapServers: String { bootstrapAddress.description }

    /// Creates `name` with `partitions` partitions through the request channel, as other
    /// processes do.
    public func createTopic(_ name: String, partitions: Int) async throws {
        try await TopicProvisioner(bootstrapServers: bootstrapServers).ensureTopic(name, partitions: partitions)
    }
}
