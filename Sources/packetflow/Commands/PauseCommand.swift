import ArgumentParser
import PacketFlowReactorService

/// `packetflow pause MOLECULE STAGE`: stop a stage's workers fetching, through the reactor's API.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause a stage: its workers keep their partitions but fetch nothing until resumed.",
        discussion: """
            Asks the reactor (POST /v1/molecules/MOLECULE/stages/STAGE/pause, with the bearer \
            token) to pause the stage: it writes a PauseStage MC packet to the control topic, \
            the stage's workers pause their partitions (they stay in the group; lag grows), \
            and the reactor shows the stage as paused with the reason and stops autoscaling \
            and healing it. The reactor pauses a stage by itself when the stage it feeds \
            dead-letters a storm (100 packets in a minute, by default). Either way the stage \
            stays paused until `packetflow resume` or a new deploy of the molecule.

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

    @OptionGroup var reactor: ReactorOptions

    func run() async throws {
        let status = try await reactor.client().pause(molecule: molecule, stage: stage, reason: reason)
        print("\(stage): \(status.pausedReason.map { "paused: \($0)" } ?? "running")")
    }
}
