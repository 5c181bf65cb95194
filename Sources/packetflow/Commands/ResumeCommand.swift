import ArgumentParser
import PacketFlowReactorService

/// `packetflow resume MOLECULE STAGE`: let a paused stage's workers fetch again.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a paused stage: its workers fetch again from where they stopped.",
        discussion: """
            Asks the reactor (POST /v1/molecules/MOLECULE/stages/STAGE/resume, with the \
            bearer token) to resume the stage: it writes a ResumeStage MC packet to the \
            control topic, the stage's workers resume their partitions, and the reactor \
            autoscales and heals the stage again. Dead letters written before the resume no \
            longer count towards a storm.

            Example:
              packetflow resume ProcessingPipeline ComputePacket
            """)

    @Argument(help: "The molecule.")
    var molecule: String

    @Argument(help: "The stage.")
    var stage: String

    @OptionGroup var reactor: ReactorOptions

    func run() async throws {
        let status = try await reactor.client().resume(molecule: molecule, stage: stage)
        print("\(stage): \(status.pausedReason.map { "paused: \($0)" } ?? "running")")
    }
}
