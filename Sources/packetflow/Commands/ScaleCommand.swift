import ArgumentParser
import Foundation
import Logging
import PacketFlowReactorService

/// `packetflow scale MOLECULE STAGE N|auto`: a manual override as an MC packet on the control topic.
struct ScaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Pin a stage at N workers (or hand it back to the autoscaler with 'auto').",
        discussion: """
            Writes a ScaleOverride MC packet to the control topic pf.control; the reactor \
            obeys it, scales the stage and publishes a ScaleOverrideObeyed packet. This \
            command then waits (up to --wait-ms) for the reactor's status to show the new \
            count and prints the reactor's words.

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

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var reactor: ReactorOptions

    @Option(help: ArgumentHelp("How long to wait for the reactor to obey, in milliseconds (0: do not wait).", valueName: "ms"))
    var waitMs: Int = 15_000

    func run() async throws {
        let count: Int?
        if replicas == "auto" {
            count = nil
        } else if let number = Int(replicas), number >= 0 {
            count = number
        } else {
            throw ValidationError("replicas '\(replicas)': expected a number of workers (0 or more) or 'auto'")
        }
        let logger = Logger(label: "packetflow.scale") { StreamLogHandler.standardError(label: $0) }
        let control = try await KafkaControlChannel.open(
            bootstrapServers: connection.bootstrap, properties: try connection.properties(), logger: logger)
        try await control.publish(try ScaleOverride(molecule: molecule, stage: stage, replicas: count).packet())
        await control.close()
        print("sent: \(molecule).\(stage) -> \(count.map(String.init) ?? "auto")")
        guard waitMs > 0 else { return }
        let client = try reactor.client()
        let deadline = ContinuousClock.now + .milliseconds(waitMs)
        while ContinuousClock.now < deadline {
            if let status = try? await client.status(molecule), let stageStatus = status.stages.first(where: { $0.stage == stage }),
                stageStatus.manualReplicas == count, stageStatus.lastAction == "manual"
            {
                print(stageStatus.lastDecision ?? "obeyed")
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ReactorError(.requestFailed, "the reactor at \(reactor.reactor) did not show the override within \(waitMs) ms")
    }
}
