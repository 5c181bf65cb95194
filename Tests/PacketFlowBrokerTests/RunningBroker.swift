import Logging
import PacketFlowBroker
import PacketFlowKafka

/// Runs an embedded broker in this process around `body`, quietly, on a free port.
func withRunningBroker<T: Sendable>(
    brokers: Int = 3,
    topics: [TopicSpec] = [],
    _ body: (EmbeddedClusterService, BootstrapForwarder) async throws -> T
) async throws -> T {
    let logger = Logger(label: "packetflow.broker.tests") { _ in SwiftLogNoOpLogHandler() }
    return try await EmbeddedBroker.withRunning(brokers: brokers, topics: topics, logger: logger) { broker in
        try await body(broker.cluster, broker.forwarder)
    }
}
