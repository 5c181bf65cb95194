import Logging
import PacketFlowBroker
import ServiceLifecycle

/// Runs the embedded cluster and its bootstrap forwarder in this process around `body`.
///
/// The forwarder listens on a free port of 127.0.0.1; `body` gets the running services. Both
/// are shut down gracefully when `body` returns or throws.
func withRunningBroker<T: Sendable>(
    brokers: Int = 3,
    topics: [TopicSpec] = [],
    _ body: (EmbeddedClusterService, BootstrapForwarder) async throws -> T
) async throws -> T {
    let logger = Logger(label: "packetflow.broker.tests") { _ in SwiftLogNoOpLogHandler() }
    let cluster = try EmbeddedClusterService.start(brokers: brokers, topics: topics, logger: logger)
    let forwarder = try await BootstrapForwarder.bind(
        to: ListenAddress(host: "127.0.0.1", port: 0),
        upstreams: cluster.brokerAddresses,
        logger: logger
    )
    let group = ServiceGroup(services: [cluster, forwarder], logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let result = try await body(cluster, forwarder)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}
