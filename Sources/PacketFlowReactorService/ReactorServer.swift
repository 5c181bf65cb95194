import Hummingbird
import Logging
import PacketFlowKafka
import ServiceLifecycle

/// Everything `packetflow reactor` runs, assembled against one Kafka cluster.
///
/// ``services(logger:metrics:)`` opens the registry and control topics and returns the
/// ``ReactorService`` and the HTTP server, to be run in one `ServiceGroup` (the HTTP server
/// shuts down first, then the reactor drains its workers).
public struct ReactorServer: Sendable {
    /// The Kafka bootstrap address.
    public var bootstrapServers: String
    /// Raw librdkafka properties for the reactor's clients (TLS, SASL). Default: none.
    public var properties: [String: String]
    /// Replicas of the topics the reactor creates on a real cluster (registry, control,
    /// deployed molecules' topics). Default: 1.
    public var replicationFactor = 1
    /// Topic configs for the deployed molecules' topics it creates, such as `retention.ms`;
    /// state-store changelogs are compacted whatever this says. Default: none.
    public var topicConfigs: [String: String] = [:]
    /// The HTTP host. Default: 127.0.0.1.
    public var host: String
    /// The HTTP port. Default: 8080.
    public var port: Int
    /// The bearer token of deploy and undeploy; nil refuses them.
    public var token: String?
    /// The registry topic. Default: `__packetflow.registry`.
    public var registryTopic: String
    /// The control topic. Default: `pf.control`.
    public var controlTopic: String
    /// The reactor's settings (sampling, model, health, state directory).
    public var reactor: ReactorConfiguration
    /// How workers are started.
    public var workers: ProcessWorkerScalerConfiguration

    /// A server for the cluster at `bootstrapServers` keeping its files in `stateDirectory`.
    public init(bootstrapServers: String, stateDirectory: String) {
        self.bootstrapServers = bootstrapServers
        self.properties = [:]
        self.host = "127.0.0.1"
        self.port = 8080
        self.token = nil
        self.registryTopic = KafkaMoleculeRegistry.defaultTopic
        self.controlTopic = KafkaControlChannel.defaultTopic
        self.reactor = ReactorConfiguration(stateDirectory: stateDirectory)
        self.workers = ProcessWorkerScalerConfiguration(
            bootstrapServers: bootstrapServers, stateDirectory: stateDirectory + "/workers")
    }

    /// Opens the topics and builds the services: the reactor first, the HTTP server second.
    ///
    /// Throws ``ReactorError`` when the cluster cannot be reached.
    public func services(logger: Logger, metrics: ReactorMetrics = ReactorMetrics()) async throws -> (reactor: ReactorService, services: [any Service]) {
        let registry = try await KafkaMoleculeRegistry.open(
            bootstrapServers: bootstrapServers, topic: registryTopic, properties: properties,
            replicationFactor: replicationFactor, logger: logger)
        let control = try await KafkaControlChannel.open(
            bootstrapServers: bootstrapServers, topic: controlTopic, properties: properties,
            replicationFactor: replicationFactor, logger: logger)
        let scaler = ProcessWorkerScaler(configuration: workers, logger: logger)
        await scaler.adoptRecordedWorkers()
        let provisioner = TopicProvisioner(
            bootstrapServers: bootstrapServers, replicationFactor: replicationFactor, properties: properties,
            topicConfigs: topicConfigs, logger: logger)
        let reactor = ReactorService(
            configuration: reactor, registry: registry, control: control,
            lagSource: try KafkaLagSource(bootstrapServers: bootstrapServers, properties: properties, logger: logger),
            scaler: scaler, metrics: metrics, provisionTopics: { specs in try await provisioner.ensureTopics(specs) },
            readCommands: { obey in try await control.readCommands(obey) }, logger: logger)
        let api = ReactorHTTPAPI(reactor: reactor, token: token)
        let router = api.router()
        DashboardRoutes(reactor: reactor).add(to: router)
        let http = Application(
            router: router, configuration: .init(address: .hostname(host, port: port)), logger: logger)
        return (reactor, [reactor, http])
    }
}
