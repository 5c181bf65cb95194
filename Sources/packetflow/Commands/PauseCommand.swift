import ArgumentParser
import Foundation
import Logging
import PacketFlowCore
import PacketFlowReactorService

/// `packetflow pause MOLECULE STAGE`: stop a stage's workers fetching, as an MC packet on the control topic.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause a stage: its workers keep their partitions but fetch nothing until resumed.",
        discussion: """
            Writes a PauseStage MC packet to the control topic pf.control. The stage's workers \
            pause their partitions (they stay in the group; lag grows), the reactor shows the \
            stage as paused with the reason and stops autoscaling and healing it. The reactor \
            pauses a stage by itself when the stage it feeds dead-letters a storm (100 packets \
            in a minute, by default). Either way the stage stays paused until `packetflow \
            resume` or a new deploy of the molecule. This command waits (up to --wait-ms) for \
            the reactor's status to show the pause.

            Example:
              packetflow pause ProcessingPipeline ComputePacket --reason "bad input upstream"
              packetflow resume ProcessingPipeline ComputePacket
            """)

    @Argument(help: "The molecule.")
    var molecule: String

    @Argument(help: "The stage.")
    var stage: String

    @Option(help: ArgumentHelp("Why, shown in `packetflow status`.", valueName: "text"))
    var reason: String = "paused by hand (packetflow pause)"

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var reactor: ReactorOptions

    @Option(help: ArgumentHelp("How long to wait for the reactor to show it, in milliseconds (0: do not wait).", valueName: "ms"))
    var waitMs: Int = 15_000

    func run() async throws {
        try await Self.send(
            StagePauseCommand(molecule: molecule, stage: stage, pause: true, reason: reason), connection: connection,
            reactor: reactor, waitMs: waitMs)
    }

    /// Writes `command` to the control topic, then waits until the reactor's status agrees.
    static func send(
        _ command: StagePauseCommand, connection: ConnectionOptions, reactor: ReactorOptions, waitMs: Int
    ) async throws {
        let logger = Logger(label: "packetflow.pause") { StreamLogHandler.standardError(label: $0) }
        let control = try await KafkaControlChannel.open(
            bootstrapServers: connection.bootstrap, properties: try connection.properties(), logger: logger)
        try await control.publish(try command.packet())
        await control.close()
        print("sent: \(command.pause ? "pause" : "resume") \(command.molecule).\(command.stage)")
        guard waitMs > 0 else { return }
        let client = try reactor.client()
        let deadline = ContinuousClock.now + .milliseconds(waitMs)
        while ContinuousClock.now < deadline {
            if let status = try? await client.status(command.molecule),
                let stage = status.stages.first(where: { $0.stage == command.stage }), stage.paused == command.pause
            {
                print("\(command.stage): \(stage.pausedReason.map { "paused: \($0)" } ?? "running")")
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ReactorError(
            .requestFailed, "the reactor at \(reactor.reactor) did not show the \(command.pause ? "pause" : "resume") within \(waitMs) ms")
    }
}
