import Foundation
import Logging
import PacketFlowCore
import PacketFlowKafka
import PacketFlowWire
import Synchronization

/// Follows the control topic for pause and resume commands of one stage and pauses or resumes
/// the worker's consumer accordingly.
///
/// Commands are ``StagePauseCommand``s (MC packets of kind `PauseStage` or `ResumeStage`),
/// written by the reactor (a healing reaction to a dead-letter storm downstream, or
/// `packetflow pause` / `packetflow resume` through its API). The listener
/// reads the control topic from its start in a consumer group of its own, so the last command
/// for the stage wins and a worker started while its stage is paused pauses too.
///
/// A paused worker keeps its partitions and its group membership (it keeps polling) but
/// fetches nothing more; records it had already fetched are still handled. Until the listener
/// has read the control topic to the end it had at start (``catchUpTimeout`` at most), the
/// worker holds its partitions paused too, so a worker started while its stage is paused does
/// not consume first. Partitions assigned while paused (a rebalance) are paused as their
/// assignment is reported: the listener is the reader of the consumer's `rebalanceEvents`.
/// The control topic must exist already: the listener waits for it rather than have a broker
/// auto-create it (and holds nothing meanwhile: without the topic there is no pause).
final class StagePauseListener: Sendable {
    /// Longest the worker is held while the listener catches up with the control topic.
    let catchUpTimeout = Duration.seconds(30)
    /// How often the catch-up deadline is checked. Default: 100 ms.
    let deadlineCheckInterval = Duration.milliseconds(100)

    private struct State {
        var paused = false
        var caughtUp = false
        var holding: Bool { paused || !caughtUp }
    }

    private let molecule: String
    private let stage: String
    private let topic: String
    private let bootstrapServers: String
    private let properties: [String: String]
    private let state = Mutex(State())
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

    /// Whether the worker is held: its stage is paused, or the listener is catching up.
    var isHolding: Bool { state.withLock { $0.holding } }

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
            state.withLock { $0.caughtUp = true }
            if drain.hasFired { return }
            try await Task.sleep(for: .seconds(2))
        }
        let ends = Dictionary(
            try await admin.watermarks(topic: topic).filter { $0.high > $0.low }.map { ($0.partition, $0.high) },
            uniquingKeysWith: max)
        if ends.isEmpty { state.withLock { $0.caughtUp = true } }
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
        let deadline = ContinuousClock.now + catchUpTimeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                var remaining = ends
                for await message in commands.messages {
                    if let end = remaining[message.partition], message.offset + 1 >= end { remaining[message.partition] = nil }
                    let pause = command(in: message)
                    let (was, now) = state.withLock { state in
                        let was = state.holding
                        if let pause { state.paused = pause }
                        if remaining.isEmpty { state.caughtUp = true }
                        return (was, state.holding)
                    }
                    if was != now { await apply(pause: now, to: consumer) }
                }
            }
            group.addTask { [self] in
                // Partitions a rebalance assigns while held are paused as they arrive.
                for await event in consumer.rebalanceEvents {
                    guard case .assigned(let partitions) = event, !partitions.isEmpty else { continue }
                    // Checked and paused under the lock, so a resume cannot slip in between.
                    state.withLock { state in
                        guard state.holding else { return }
                        do {
                            try consumer.pause(partitions)
                        } catch {
                            logger.warning("cannot pause newly assigned partitions", metadata: ["error": "\(error)"])
                        }
                    }
                }
            }
            group.addTask { [self] in
                // Holds the worker at most until the deadline (the consumer keeps application
                // pauses through its own full-buffer pauses). The drain ends the reader.
                while !drain.hasFired {
                    if ContinuousClock.now >= deadline {
                        let stillCatchingUp = state.withLock { state in
                            defer { state.caughtUp = true }
                            return !state.caughtUp
                        }
                        if stillCatchingUp {
                            logger.warning("control topic not read to its end in time: starting unless a pause arrives")
                            if !isHolding { await apply(pause: false, to: consumer) }
                        }
                    }
                    guard (try? await Task.sleep(for: deadlineCheckInterval)) != nil else { break }
                }
                try? await commands.close()
            }
            try await group.waitForAll()
        }
    }

    /// `true` for a pause of this stage, `false` for a resume, nil for anything else.
    private func command(in message: KafkaMessage) -> Bool? {
        guard let packet = try? PacketWireFormat.packet(from: PacketRecord(consumed: message), defaultGroup: .metaComputational),
            let command = StagePauseCommand(packet: packet), command.molecule == molecule, command.stage == stage
        else { return nil }
        logger.notice(command.pause ? "pausing: no more input is fetched" : "resuming", metadata: ["reason": "\(command.reason)"])
        return command.pause
    }

    /// Pauses or resumes every assigned partition; a failure is logged.
    private func apply(pause: Bool, to consumer: KafkaConsumer) async {
        do {
            let partitions = try await consumer.assignment()
            guard !partitions.isEmpty else { return }
            if pause { try consumer.pause(partitions) } else { try consumer.resume(partitions) }
        } catch {
            logger.warning("cannot \(pause ? "pause" : "resume") the stage's partitions", metadata: ["error": "\(error)"])
        }
    }
}
