import Logging
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowRuntime
import ServiceLifecycle

/// Runs one stage of a molecule from your own executable, with your Swift handlers.
///
/// What `packetflow worker` does, for programs that register `swift("name")` handlers:
/// plans the molecule file, makes sure the stage's topics exist (on `packetflow broker` or a
/// real cluster), and runs a ``StageWorker`` in a `ServiceGroup` until SIGTERM or SIGINT,
/// which drain it. See examples/worker/swift-handlers.
///
/// ```swift
/// let handlers = HandlerRegistry()
/// handlers.register("validate") { packet, _ in [packet] }
/// try await WorkerLauncher.run(
///     moleculeFile: "pipeline.pf", stage: "ValidatePacket", bootstrapServers: "127.0.0.1:9092", handlers: handlers)
/// ```
public enum WorkerLauncher {
    /// Plans, provisions and runs the stage; returns after a graceful shutdown.
    ///
    /// `molecule` picks one when the file declares several. `configure` adjusts the worker's
    /// configuration (session timeout, collective quorum, raw properties) before it starts; its
    /// consumer properties (TLS, SASL) also reach the clients that create the topics, which get
    /// `replicationFactor` and `topicConfigs` on a real cluster.
    /// Throws `LanguageError` for a bad molecule, `TopicError` when topics cannot be made,
    /// ``RuntimeError`` for an unknown stage or handler, `KafkaError` from the clients.
    public static func run(
        moleculeFile: String,
        molecule: String? = nil,
        stage: String,
        bootstrapServers: String,
        handlers: HandlerRegistry,
        replicationFactor: Int = 1,
        topicConfigs: [String: String] = [:],
        logger: Logger = Logger(label: "packetflow.worker"),
        configure: (inout WorkerConfiguration) -> Void = { _ in }
    ) async throws {
        let program = try MoleculeProgram.load(path: moleculeFile, loader: FileSystemSourceLoader())
        var configuration = WorkerConfiguration(plan: try program.plan(molecule: molecule), stage: stage, bootstrapServers: bootstrapServers)
        configure(&configuration)
        let provisioner = TopicProvisioner(
            bootstrapServers: bootstrapServers, replicationFactor: replicationFactor, properties: configuration.consumerProperties,
            topicConfigs: topicConfigs, logger: logger)
        try await run(configuration: configuration, handlers: handlers, provisioner: provisioner, logger: logger)
    }

    /// Runs the stage `configuration` names: resolves its handlers (so a stage this process
    /// cannot run fails before touching Kafka), makes sure its topics exist through
    /// `provisioner` (a user's own topic with fewer partitions than planned is used as it is,
    /// with a warning), and runs the worker until SIGTERM or SIGINT drain it. `packetflow
    /// worker` runs its stage through here.
    public static func run(
        configuration: WorkerConfiguration, handlers: HandlerRegistry = HandlerRegistry(), provisioner: TopicProvisioner,
        logger: Logger
    ) async throws {
        let worker = try StageWorker(configuration: configuration, handlers: handlers, logger: logger)
        let required = try configuration.requiredTopics()
        let specs = try required.map { topic throws(TopicError) in
            var spec = try TopicSpec(name: topic.name, partitions: topic.partitions, configs: topic.configs)
            spec.acceptsFewerPartitions = topic.acceptsFewerPartitions
            return spec
        }
        let partitions = try await provisioner.ensureTopics(specs)
        for warning in configuration.plan.adopting(partitions: partitions).warnings {
            logger.warning("\(warning)")
        }
        let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
