import Logging
import PacketFlowBroker
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
    /// configuration (session timeout, collective quorum, raw properties) before it starts.
    /// Throws `LanguageError` for a bad molecule, `BrokerError` when topics cannot be made,
    /// ``RuntimeError`` for an unknown stage or handler, `KafkaError` from the clients.
    public static func run(
        moleculeFile: String,
        molecule: String? = nil,
        stage: String,
        bootstrapServers: String,
        handlers: HandlerRegistry,
        logger: Logger = Logger(label: "packetflow.worker"),
        configure: (inout WorkerConfiguration) -> Void = { _ in }
    ) async throws {
        let program = try MoleculeProgram.load(path: moleculeFile, loader: FileSystemSourceLoader())
        var configuration = WorkerConfiguration(plan: try program.plan(molecule: molecule), stage: stage, bootstrapServers: bootstrapServers)
        configure(&configuration)
        let worker = try StageWorker(configuration: configuration, handlers: handlers, logger: logger)
        let specs = try configuration.requiredTopics().map { topic throws(BrokerError) in
            try TopicSpec(name: topic.name, partitions: topic.partitions, configs: configuration.plan.kafkaConfigs(ofTopic: topic.name))
        }
        try await TopicProvisioner(bootstrapServers: bootstrapServers, logger: logger).ensureTopics(specs)
        let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
