import ArgumentParser
import PacketFlowReactorService

/// `packetflow scale MOLECULE STAGE N|auto`: a manual override through the reactor's API.
struct ScaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Pin a stage at N workers (or hand it back to the autoscaler with 'auto').",
        discussion: """
            Asks the reactor (PUT /v1/molecules/MOLECULE/stages/STAGE/replicas, with the \
            bearer token) to pin the stage; the reactor scales it, publishes a \
            ScaleOverrideObeyed packet on the control topic and answers with the stage, whose \
            words this command prints. The pin outlives reactor restarts until 'auto' or a \
            new deploy of the molecule.

            Example:
              packetflow scale ProcessingPipeline ComputePacket 3
              packetflow scale ProcessingPipeline ComputePacket auto
            """)

    @Argument(help: "The molecule.")
    var molecule: String

    @Argument(help: "The stage.")
    var stage: String

    @Argument(help: "Workers to run, or 'auto'.")
    var replicas: String

    @OptionGroup var reactor: ReactorOptions

    func run() async throws {
        let count: Int?
        if replicas == "auto" {
            count = nil
        } else if let number = Int(replicas), number >= 0 {
            count = number
        } else {
            throw ValidationError("replicas '\(replicas)': expected a number of workers (0 or more) or 'auto'")
        }
        let status = try await reactor.client().scale(molecule: molecule, stage: stage, replicas: count)
        print(status.lastDecision ?? "\(stage): \(status.desiredReplicas) workers")
    }
}
