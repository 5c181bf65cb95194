import ArgumentParser
import PacketFlowCore
import PacketFlowReactorService

/// `packetflow resume MOLECULE STAGE`: let a paused stage's workers fetch again.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a paused stage: its workers fetch again from where they stopped.",
        discussion: """
            Writes a ResumeStage MC packet to the control topic pf.control; the stage's workers \
            resume their partitions and the reactor autoscales and heals the stage again. \
            Dead letters written before the resume no longer count towards a storm. This \
            command waits (up to --wait-ms) for the reactor's status to show the stage running.

            Example:
              packetflow resume ProcessingPipeline ComputePacket
            """)

    @Argument(help: "The molecule.")
    var molecule: String

    @Argument(help: "The stage.")
    var stage: String

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var reactor: ReactorOptions

    @Option(help: ArgumentHelp("How long to wait for the reactor to show it, in milliseconds (0: do not wait).", valueName: "ms"))
    var waitMs: Int = 15_000

    func run() async throws {
        try await PauseCommand.send(
            StagePauseCommand(molecule: molecule, stage: stage, pause: false, reason: "resumed by hand (packetflow resume)"),
            connection: connection, reactor: reactor, waitMs: waitMs)
    }
}
