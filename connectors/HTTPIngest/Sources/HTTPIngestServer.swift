import Hummingbird
import Logging
import PacketFlowKafka
import ServiceLifecycle

/// Everything `packetflow ingest` runs: a producer and the HTTP server, as one `Service`.
///
/// `run()` connects the producer (failing at once when the broker is unreachable), serves
/// until graceful shutdown, then closes the producer so acknowledged requests are not lost
/// and requests still waiting get their acknowledgements first.
public struct HTTPIngestServer: Service {
    /// The Kafka bootstrap address.
    public var bootstrapServers: String
    /// Raw librdkafka properties (TLS, SASL). Default: none.
    public var properties: [String: String] = [:]
    /// Replicas of topics it creates on a real cluster. Default: 1.
    public var replicationFactor = 1
    /// Topic configs of topics it creates on a real cluster, such as `retention.ms`. Default: none.
    public var topicConfigs: [String: String] = [:]
    /// The HTTP host. Default: 127.0.0.1.
    public var host = "127.0.0.1"
    /// The HTTP port. Default: 8081.
    public var port = 8081
    /// The ingest settings.
    public var configuration = IngestConfiguration()
    /// Where logs go.
    public var logger = Logger(label: "packetflow.ingest")
    /// Called once the server listens, with its port (useful with port 0).
    public var onListening: @Sendable (Int) async -> Void = { _ in }

    /// A server publishing to the cluster at `bootstrapServers`.
    public init(bootstrapServers: String) {
        self.bootstrapServers = bootstrapServers
    }

    /// Serves until graceful shutdown; throws `KafkaError` when the broker is unreachable.
    public func run() async throws {
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        producerConfiguration.linger = configuration.group.properties.producer.linger
        producerConfiguration.properties = properties
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        do {
            try await producer.waitUntilConnected()
        } catch {
            await producer.close(timeout: .seconds(1))
            throw error
        }
        let provisioner = TopicProvisioner(
            bootstrapServers: bootstrapServers, replicationFactor: replicationFactor, properties: properties,
            topicConfigs: topicConfigs, logger: logger)
        let publisher = IngestPublisher(producer: producer, provisioner: provisioner, configuration: configuration)
        let onListening = onListening
        let application = Application(
            router: HTTPIngestAPI(publisher: publisher, configuration: configuration).router(),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        do {
            try await application.run()
        } catch {
            await producer.close(timeout: .seconds(10))
            throw error
        }
        await producer.close()
    }
}
