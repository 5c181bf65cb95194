import Foundation
import Logging
import PacketFlowCore
import PacketFlowKafka
import Synchronization

/// Follows the control topic for pause and resume commands of one stage and pauses or resumes
/// the worker's consumer accordingly.
///
/// Commands are MC packets of kind `PauseStage` or `ResumeStage` whose JSON payload names
/// `molecule` and `stage` (and a `reason`), written by the reactor (a healing reaction to a
/// dead-letter storm downstream) or by `packetflow pause` / `packetflow resume`. The listener
/// reads the control topic from its start in a consumer group of its own, so the last command
/// for the stage wins and a worker started while its stage is paused pauses too.
///
/// A paused worker keeps its partitions and its group membership (it keeps polling) but
/// fetches nothing more; records it had already fetched are still handled. Partitions assigned
/// while paused (a rebalance) are paused within ``enforcementInterval``. The control topic
/// must exist already: the listener waits for it rather than have a broker auto-create it.
final class StagePauseListener: Sendable {
    /// MC packet kinds of the commands.
    enum Kind {
        static let pause = "PauseStage"
        static let resume = "ResumeStage"
    }

    /// How often a paused worker re-pauses its whole assignment. Default: 100 ms.
    let enforcementInterval = Duration.milliseconds(100)

    private let molecule: String
    private let stage: String
    private let topic: String
    private let bootstrapServers: String
    private let properties: [String: String]
    private let paused = Mutex<Bool>(false)
    private let logger: Logger

    /// A listener for `stage` of `molecule` reading `configuration.controlTopic`; nothing is
    /// read before ``run(pausing:until:)``.
    init(configuration: WorkerConfiguration, stage: String, logger: Logger) {
        self.molecule = configuration.plan.molecule
        self.stage = stage
        self.topic = configuration.controlTopic
        self.bootstrapServers = configuration.bootstrapServers
        self.properties = configuration.consumerProperties
        self.logger = logger
    }

    /// Whether the last command for the stage was a pause.
    var isPaused: Bool { paused.withLock { $0 } }

    /// Reads commands and applies them to `consumer` until `drain` fires or the task is
    /// cancelled. Failures to reach the control topic are logged: the worker keeps working,
    /// without obeying pauses.
    func run(pausing consumer: KafkaConsumer, until drain: DrainSignal) async {
        do {
            try await follow(pausing: consumer, until: drain)
        } catch is CancellationError {
            // The worker is shutting down.
        } catch {
            logger.error("cannot follow the control topic: pause commands are not obeyed", metadata: ["error": "\(error)"])
        }
    }

    private func follow(pausing consumer: KafkaConsumer, until drain: DrainSignal) async throws {
        let admin = try KafkaTopicAdmin(bootstrapServers: bootstrapServers, properties: properties)
        while try await !admin.listTopics().contains(where: { $0.name == topic }) {
            if drain.hasFired { return }
            try await Task.sleep(for: .seconds(2))
        }
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrapServers, groupID: "\(topic).\(molecule).\(stage).\(UUID().uuidString.prefix(8).lowercased())")
        configuration.clientID = "packetflow-worker-control"
        configuration.offsetReset = .earliest
        configuration.autoCommit = false
        configuration.sessionTimeout = .seconds(6)
        configuration.fetchWaitMax = .milliseconds(50)
        configuration.properties = properties
        let commands = try KafkaConsumer(configuration: configuration, logger: logger)
        try commands.subscribe(topics: [topic])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await message in commands.messages {
                    guard let pause = command(in: message) else { continue }
                    let changed = paused.withLock { state in
                        defer { state = pause }
                        return state != pause
                    }
                    if changed { await apply(pause: pause, to: consumer) }
                }
            }
            group.addTask { [self] in
                // Re-pausing catches partitions a rebalance assigned; the drain ends the reader.
                while !drain.hasFired {
                    if isPaused { await apply(pause: true, to: consumer) }
                    try await Task.sleep(for: enforcementInterval)
                }
                try? await commands.close()
            }
            try await group.waitForAll()
        }
    }

    /// `true` for a pause of this stage, `false` for a resume, nil for anything else.
    private func command(in message: KafkaMessage) -> Bool? {
        let record = PacketRecord(consumed: message)
        guard let packet = try? PacketWireFormat.packet(from: record, defaultGroup: .metaComputational),
            packet.kind == Kind.pause || packet.kind == Kind.resume,
            let target = try? JSONDecoder().decode(Target.self, from: Data(packet.payload)),
            target.molecule == molecule, target.stage == stage
        else { return nil }
        if packet.kind == Kind.pause {
            logger.notice("pausing: no more input is fetched", metadata: ["reason": "\(target.reason ?? "")"])
            return true
        }
        logger.notice("resuming", metadata: ["reason": "\(target.reason ?? "")"])
        return false
    }

    /// Pauses or resumes every assigned partition; a failure is logged and retried by the next
    /// enforcement round (pause) or the next command (resume).
    private func apply(pause: Bool, to consumer: KafkaConsumer) async {
        do {
            let partitions = try await consumer.assignment()
            guard !partitions.isEmpty else { return }
            if pause { try consumer.pause(partitions) } else { try consumer.resume(partitions) }
        } catch {
            logger.warning("cannot \(pause ? "pause" : "resume") the stage's partitions", metadata: ["error": "\(error)"])
        }
    }

    /// The fields of a command's payload the listener reads.
    private struct Target: Decodable {
        var molecule: String
        var stage: String
        var reason: String?
    }
}
