import ArgumentParser
import Foundation
import Logging
import PacketFlowReactorService
import ServiceLifecycle

/// `packetflow reactor`: runs the reactor service until SIGTERM or SIGINT.
struct ReactorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reactor",
        abstract: "Run the reactor: deploy molecules, autoscale their stages from lag, heal failures.",
        discussion: """
            Deployed molecules are kept in the compacted topic __packetflow.registry; a restarted \
            reactor reads it back and adopts the workers its predecessor left running (their PIDs \
            are in STATE-DIR/workers/workers.json), so the worker count does not change. Every \
            sampling interval it reads each stage's lag (watermarks and committed offsets), \
            decides its replicas, starts or stops `packetflow worker` processes, judges health \
            and publishes every decision and healing reaction as an MC packet on pf.control.

            HTTP: GET /v1/molecules, GET /v1/molecules/NAME, POST /v1/molecules and DELETE \
            /v1/molecules/NAME (these two need Authorization: Bearer TOKEN), GET \
            /v1/molecules/M/stages/S/desired-replicas (KEDA), /metrics, /healthz, /readyz.

            SIGTERM or SIGINT stops the HTTP server, then drains every worker (SIGTERM, then \
            SIGKILL after the grace period).

            Example:
              packetflow broker &
              PACKETFLOW_REACTOR_TOKEN=secret packetflow reactor &
              PACKETFLOW_REACTOR_TOKEN=secret packetflow deploy examples/processing-pipeline.pf
              packetflow status --watch
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("The HTTP host to listen on.", valueName: "host"))
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("The HTTP port.", valueName: "port"))
    var port: Int = 8080

    @Option(help: ArgumentHelp(
        "The bearer token deploy and undeploy need. Default: $PACKETFLOW_REACTOR_TOKEN; without one they are refused.",
        valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp(
        "A file whose first line is the bearer token: keeps it out of the process list, unlike --token.",
        valueName: "path"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("Where the reactor keeps molecule files and worker PIDs.", valueName: "dir"))
    var stateDir: String = ".packetflow/reactor"

    @Option(help: ArgumentHelp(
        "How often lag is sampled and stages decided, in milliseconds (KEDA's pollingInterval).", valueName: "ms"))
    var samplingIntervalMs: Int = 2_000

    @Option(help: ArgumentHelp(
        "How long fewer replicas must have been enough before a scale-in, in milliseconds (the HPA's scale-down "
            + "stabilization window; KEDA's cooldownPeriod for a last replica). Default: the group's (DF 30 s, CF and ED "
            + "300 s, CO, MC and RM 600 s).",
        valueName: "ms"))
    var scaleInStabilizationMs: Int?

    @Option(help: ArgumentHelp(
        "Shortest time between two scale-in steps of one stage, in milliseconds (the HPA's scale-down periodSeconds).",
        valueName: "ms"))
    var scaleInIntervalMs: Int = 30_000

    @Option(help: ArgumentHelp("Time in which the autoscaler aims to drain a stage's lag, in milliseconds.", valueName: "ms"))
    var catchUpTargetMs: Int = 30_000

    @Option(help: ArgumentHelp(
        "Fraction of a stage's capacity its input should use, above 0 and at most 1.", valueName: "fraction"))
    var targetUtilization: Double = 0.7

    @Option(help: ArgumentHelp(
        "How long a stopping worker may drain before SIGKILL, in milliseconds (a worker drains for at most 60 s plus a 15 s revocation).",
        valueName: "ms"))
    var gracePeriodMs: Int = 80_000

    @Option(help: ArgumentHelp(
        "The packetflow binary workers run. Default: this binary.", valueName: "path"))
    var workerExecutable: String?

    @Option(
        name: .customLong("worker-argument"),
        help: ArgumentHelp("An argument appended to every worker's command line. Repeatable.", valueName: "arg"))
    var workerArguments: [String] = []

    @Flag(help: "Discard the workers' logs instead of writing them to standard error.")
    var quietWorkers = false

    @Option(help: ArgumentHelp(
        "How much to log: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String = "info"

    func run() async throws {
        let logger = try standardErrorLogger(label: "packetflow.reactor", level: logLevel)
        guard samplingIntervalMs > 0, gracePeriodMs >= 0, scaleInIntervalMs >= 0, catchUpTargetMs > 0,
            (scaleInStabilizationMs ?? 0) >= 0
        else {
            throw ValidationError(
                "--sampling-interval-ms and --catch-up-target-ms must be positive; --grace-period-ms, "
                    + "--scale-in-stabilization-ms and --scale-in-interval-ms not negative")
        }
        guard targetUtilization > 0, targetUtilization <= 1 else {
            throw ValidationError("--target-utilization \(targetUtilization): expected a fraction above 0 and at most 1")
        }

        let state = URL(fileURLWithPath: stateDir).standardizedFileURL.path
        var server = ReactorServer(bootstrapServers: connection.bootstrap, stateDirectory: state)
        server.properties = try connection.properties()
        server.replicationFactor = connection.replicationFactor
        server.topicConfigs = try connection.topicConfigs()
        server.host = host
        server.port = port
        server.token = try Secret.read(flag: token, file: tokenFile, variable: "PACKETFLOW_REACTOR_TOKEN")
        server.reactor.autoscaler.samplingInterval = .milliseconds(samplingIntervalMs)
        server.reactor.autoscaler.scaleInStabilization = scaleInStabilizationMs.map { .milliseconds($0) }
        server.reactor.autoscaler.scaleInInterval = .milliseconds(scaleInIntervalMs)
        server.reactor.autoscaler.catchUpTarget = .milliseconds(catchUpTargetMs)
        server.reactor.autoscaler.targetUtilization = targetUtilization
        server.workers.executable =
            workerExecutable ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        server.workers.extraArguments = workerArguments
        server.workers.gracePeriod = .milliseconds(gracePeriodMs)
        server.workers.forwardWorkerLogs = !quietWorkers

        let metrics = ReactorMetrics()
        metrics.bootstrapMetricsSystem()
        let (_, services) = try await server.services(logger: logger, metrics: metrics)
        if server.token == nil {
            logger.warning("no token: deploy and undeploy are refused (set $PACKETFLOW_REACTOR_TOKEN or --token-file)")
        }
        logger.info("reactor listening", metadata: ["address": "http://\(host):\(port)"])
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
