import Logging
import PacketFlowKafka
import ServiceLifecycle

/// The embedded broker: librdkafka's mock cluster and its topic-request handler, behind a
/// bootstrap forwarder at a stable address.
///
/// `packetflow broker` is this type run until a signal; integration tests use
/// `withRunning(brokers:listen:topics:logger:_:)` to get one for the length of a closure.
/// Kafka clients on this host bootstrap from `bootstrapAddress`.
public struct EmbeddedBroker: Sendable {
    /// The mock cluster and the topic-request handler.
    public let cluster: EmbeddedClusterService
    /// The forwarder that serves `bootstrapAddress`.
    public let forwarder: BootstrapForwarder

    /// The address Kafka clients bootstrap from, with the actual port when port 0 was asked for.
    public var bootstrapAddress: ListenAddress { forwarder.localAddress }

    /// The services to run, in start order: the cluster, then the forwarder.
    ///
    /// A `ServiceGroup` shuts services down in reverse order, so the forwarder stops
    /// accepting before the cluster goes away.
    public var services: [any Service] { [cluster, forwarder] }

    /// Starts the cluster with `topics` and makes the forwarder listen on `listen`.
    ///
    /// Both accept connections once this returns; run `services` to serve topic requests
    /// and to shut down cleanly. Logs nothing, so a failure reads as one error alone.
    /// Throws `BrokerError`: `invalidBrokerCount`, `clusterFailed` or `listenFailed`.
    public static func start(
        brokers: Int = 3,
        listen: ListenAddress = .default,
        topics: [TopicSpec] = [],
        logger: Logger
    ) async throws(BrokerError) -> EmbeddedBroker {
        let cluster = try await EmbeddedClusterService.start(brokers: brokers, topics: topics, logger: logger)
        let forwarder = try await BootstrapForwarder.bind(to: listen, upstreams: cluster.brokerAddresses, logger: logger)
        return EmbeddedBroker(cluster: cluster, forwarder: forwarder)
    }

    /// Runs an embedded broker around `body` and shuts it down gracefully afterwards.
    ///
    /// The forwarder listens on a free port of 127.0.0.1 unless `listen` says otherwise.
    /// Shutdown happens whether `body` returns or throws; `body`'s error is rethrown.
    public static func withRunning<Result: Sendable>(
        brokers: Int = 3,
        listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 0),
        topics: [TopicSpec] = [],
        logger: Logger,
        _ body: (EmbeddedBroker) async throws -> Result
    ) async throws -> Result {
        let broker = try await start(brokers: brokers, listen: listen, topics: topics, logger: logger)
        let group = ServiceGroup(services: broker.services, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body(broker))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
