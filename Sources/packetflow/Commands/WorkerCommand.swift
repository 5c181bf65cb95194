import ArgumentParser
import Foundation
import Logging
import PacketFlow
import PacketFlowLanguage
import PacketFlowRuntime
import ServiceLifecycle

/// `packetflow worker --molecule FILE --stage NAME`: runs one stage of a molecule.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run one stage of a molecule as a member of its consumer group.",
        discussion: """
            Plans the molecule, makes sure the stage's topics exist, and consumes the stage's \
            input in its consumer group (pf.<molecule>.<stage>), handing results to the next \
            stage's topic. Start several workers of one stage to share its partitions; the \
            reactor starts this same command.

            Handlers: exec("command") programs (JSON lines, see docs/handlers.md) and \
            builtin(...) handlers run here. swift("name") handlers run only in your own \
            executable built on the PacketFlow library (see examples/worker); this binary \
            refuses a stage that needs one.

            SIGTERM or SIGINT drains: stop fetching, finish in-flight packets, commit, leave \
            the group, exit 0.

            Example:
              packetflow broker &
              packetflow worker --molecule examples/worker/processing-pipeline-exec.pf \\
                --stage ValidatePacket
            """)

    @Option(help: ArgumentHelp("The molecule file (.pf).", valueName: "file"))
    var molecule: String

    @Option(help: ArgumentHelp("The molecule to run, when the file declares several.", valueName: "name"))
    var moleculeName: String?

    @Option(help: ArgumentHelp("The stage to run: the name of its first packet.", valueName: "name"))
    var stage: String

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("How long the group waits for a silent worker, in milliseconds.", valueName: "ms"))
    var sessionTimeoutMs: Int = 6_000

    @Option(help: ArgumentHelp(
        "On a rebalance, how long the running packets of revoked partitions may finish before they are left to the next owner (whose outputs may then repeat theirs), in milliseconds.",
        valueName: "ms"))
    var revocationTimeoutMs: Int = 15_000

    @Option(help: ArgumentHelp(
        "After a rebalance, how long to wait before fetching newly assigned partitions, so that their previous owners' commits land first, in milliseconds.",
        valueName: "ms"))
    var handoverDelayMs: Int = 1_000

    @Option(help: ArgumentHelp("Resource-management stages: the handlers' budget in tokens per second.", valueName: "rate"))
    var budgetRate: Double = 100

    @Option(help: ArgumentHelp(
        "How much to log: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String = "info"

    func validate() throws {
        if sessionTimeoutMs < 1 { throw ValidationError("--session-timeout-ms must be at least 1") }
        if revocationTimeoutMs < 0 { throw ValidationError("--revocation-timeout-ms must not be negative") }
        if handoverDelayMs < 0 { throw ValidationError("--handover-delay-ms must not be negative") }
    }

    func run() async throws {
        let logger = try standardErrorLogger(label: "packetflow.worker", level: logLevel)

        let program = try MoleculeProgram.load(path: molecule, loader: FileSystemSourceLoader())
        if !program.diagnostics.isEmpty {
            FileHandle.standardError.write(Data(program.renderedDiagnostics().utf8))
        }
        let plan = try program.plan(molecule: moleculeName)
        var configuration = WorkerConfiguration(plan: plan, stage: stage, bootstrapServers: connection.bootstrap)
        configuration.sessionTimeout = .milliseconds(sessionTimeoutMs)
        configuration.revocationTimeout = .milliseconds(revocationTimeoutMs)
        configuration.handoverDelay = .milliseconds(handoverDelayMs)
        configuration.budgetRate = budgetRate
        let properties = try connection.properties()
        configuration.consumerProperties = properties
        configuration.producerProperties = properties
        try await WorkerLauncher.run(configuration: configuration, provisioner: try connection.topicProvisioner(logger: logger), logger: logger)
    }
}
