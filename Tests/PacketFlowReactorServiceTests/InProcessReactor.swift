import Foundation
import Logging
import PacketFlowBroker
import PacketFlowKafka
import PacketFlowReactorService
import PacketFlowTestSupport
import ServiceLifecycle

/// A reactor service running in the test process with real worker processes.
struct InProcessReactor {
    let reactor: ReactorService
    let scaler: ProcessWorkerScaler
    let control: RecordingControl
    let stateDirectory: String

    /// Runs a reactor over the cluster at `bootstrap` around `body`, then shuts it down (draining workers).
    ///
    /// With `controlTopic`, its MC packets also go to the control topic `pf.control` and it
    /// reads commands from there, as `packetflow reactor` does; else they are only recorded.
    static func with<T: Sendable>(
        bootstrap: String, controlTopic: Bool = false, configure: (inout ReactorConfiguration) -> Void = { _ in },
        _ body: (InProcessReactor) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "test.reactor") { _ in SwiftLogNoOpLogHandler() }
        let state = FileManagerTemporary.folder("reactor")
        var workers = ProcessWorkerScalerConfiguration(
            executable: try PacketFlowExecutable.path(), bootstrapServers: bootstrap, stateDirectory: state + "/workers")
        workers.forwardWorkerLogs = false
        workers.initialBackoff = .milliseconds(200)
        workers.gracePeriod = .seconds(10)
        let scaler = ProcessWorkerScaler(configuration: workers, logger: logger)
        let provisioner = TopicProvisioner(bootstrapServers: bootstrap, logger: logger)
        var configuration = ReactorConfiguration(stateDirectory: state)
        configuration.autoscaler.samplingInterval = .milliseconds(500)
        configure(&configuration)
        let channel = controlTopic ? try await KafkaControlChannel.open(bootstrapServers: bootstrap, logger: logger) : nil
        let control = RecordingControl(forward: channel)
        var readCommands: (@Sendable (@escaping @Sendable (ControlCommand) async -> Void) async throws -> Void)?
        if let channel { readCommands = { obey in try await channel.readCommands(obey) } }
        let reactor = ReactorService(
            configuration: configuration, registry: InMemoryRegistry(), control: control,
            lagSource: try KafkaLagSource(bootstrapServers: bootstrap), scaler: scaler,
            provisionTopics: { try await provisioner.ensureTopics($0) },
            readCommands: readCommands, logger: logger)
        let group = ServiceGroup(services: [reactor], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result<T, any Error>
            do {
                try await waitUntil("the reactor is ready") { await reactor.isReady }
                result = .success(
                    try await body(
                        InProcessReactor(reactor: reactor, scaler: scaler, control: control, stateDirectory: state)))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            await channel?.close()
            return try result.get()
        }
    }
}
