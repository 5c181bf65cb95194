import ArgumentParser
import Foundation
import Logging
import PacketFlowBroker
import PacketFlowDev
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowReactorService
import ServiceLifecycle

/// `packetflow dev [FILE...]`: the embedded broker, the reactor and example molecules in one
/// process, with a live view.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run the embedded broker, the reactor and molecules in one process, with a live view.",
        discussion: """
            Starts the embedded Kafka broker and the reactor (its workers run as child \
            processes of this binary), deploys the molecule files given (default: \
            examples/dev/*.pf), prints the bootstrap address and the URLs, and shows per \
            molecule and stage its consumer group, replicas, lag as a bar, rates, health and \
            the reactor's latest scale decisions. On a terminal the view redraws in place; \
            otherwise a status line is printed every few seconds. Keys in the live view: l \
            switches the load on or off, + and - change its rate, q quits.

            --load RATE publishes RATE example orders a second into every molecule's sources so the \
            reactor scales out; --load-for ends the load early so it scales back in (every \
            stage waits --scale-in-after, 60 s by default, before scaling in). --duration ends the run by itself and prints \
            a summary (packets in and out, scale events); Ctrl-C or SIGTERM ends it too. \
            Either way workers are drained before exit.

            Exec handlers run from the current directory: run dev mode from the repository root.

            Example:
              packetflow dev --load 150 --duration 3m --load-for 60s
            """)

    @Argument(help: ArgumentHelp("Molecule files to deploy. Default: examples/dev/*.pf.", valueName: "file"))
    var files: [String] = []

    @Option(help: ArgumentHelp("The address Kafka clients bootstrap from. Port 0 picks a free port.", valueName: "host:port"))
    var listen: String = ListenAddress.default.description

    @Option(help: ArgumentHelp("How many brokers the embedded cluster runs.", valueName: "count"))
    var brokers: Int = 3

    @Option(help: ArgumentHelp("The reactor's HTTP host.", valueName: "host"))
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("The reactor's HTTP port (API, web page at /ui, /metrics).", valueName: "port"))
    var port: Int = 8080

    @Option(help: ArgumentHelp("The bearer token `packetflow deploy` needs here.", valueName: "token"))
    var token: String = "dev"

    @Option(help: ArgumentHelp("Events per second driven into the first molecule. Default: none.", valueName: "rate"))
    var load: Double = 0

    @Option(help: ArgumentHelp("How long the load lasts, e.g. 60s. Default: the whole run.", valueName: "duration"))
    var loadFor: String?

    @Option(help: ArgumentHelp("End the run after this long, e.g. 90s or 5m. Default: run until Ctrl-C.", valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("How often the reactor samples lag and decides, in milliseconds.", valueName: "ms"))
    var samplingIntervalMs: Int = 1_000

    @Option(help: ArgumentHelp(
        "How long load must stay low before any stage scales in, e.g. 60s (the groups' own windows are 30 s to 10 minutes, most longer than a demo).",
        valueName: "duration"))
    var scaleInAfter: String = "60s"

    @Option(help: ArgumentHelp("Where the reactor keeps its files. Default: a fresh temporary folder.", valueName: "dir"))
    var stateDir: String?

    @Flag(help: "Print status lines instead of the live view even on a terminal.")
    var plain = false

    @Flag(help: "Write the workers' logs to standard error.")
    var workerLogs = false

    @Option(help: ArgumentHelp(
        "How much to log: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String = "warning"

    func run() async throws {
        let logger = try standardErrorLogger(label: "packetflow.dev", level: logLevel)
        guard load >= 0, samplingIntervalMs > 0 else {
            throw ValidationError("--load must not be negative and --sampling-interval-ms must be positive")
        }
        let runFor = try duration.map { text throws(DevError) in try DurationText.parse(text) }
        let loadDuration = try loadFor.map { text throws(DevError) in try DurationText.parse(text) }
        let scaleInStabilization = try DurationText.parse(scaleInAfter)
        let molecules = try Self.molecules(files.isEmpty ? try Self.defaultFiles() : files)
        let state = stateDir ?? FileManager.default.temporaryDirectory
            .appending(path: "packetflow-dev-\(ProcessInfo.processInfo.processIdentifier)").path
        defer { if stateDir == nil { try? FileManager.default.removeItem(atPath: state) } }

        try await EmbeddedBroker.withRunning(
            brokers: brokers, listen: try ListenAddress(parsing: listen), logger: logger
        ) { broker in
            let bootstrap = broker.bootstrapAddress.description
            var server = ReactorServer(bootstrapServers: bootstrap, stateDirectory: state)
            server.host = host
            server.port = port
            server.token = token
            server.reactor.autoscaler.samplingInterval = .milliseconds(samplingIntervalMs)
            server.reactor.autoscaler.scaleInStabilization = scaleInStabilization
            server.workers.executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
            server.workers.forwardWorkerLogs = workerLogs
            let metrics = ReactorMetrics()
            metrics.bootstrapMetricsSystem()
            let (reactor, services) = try await server.services(logger: logger, metrics: metrics)

            let banner = """
                Kafka bootstrap address: \(bootstrap)
                reactor: http://\(host):\(port)  web page: http://\(host):\(port)/ui  metrics: http://\(host):\(port)/metrics
                deploy more: PACKETFLOW_REACTOR=http://\(host):\(port) PACKETFLOW_REACTOR_TOKEN=\(token) packetflow deploy FILE
                Ctrl-C stops everything (workers drained).
                """
            var session = DevSessionConfiguration(molecules: molecules, bootstrapServers: bootstrap)
            session.loadRate = load
            session.loadDuration = loadDuration
            session.duration = runFor
            session.interactive = !plain && isatty(STDOUT_FILENO) == 1
            session.banner = banner
            if !session.interactive { FileHandle.standardOutput.write(Data((banner + "\n").utf8)) }
            let dev = DevSession(configuration: session, reactor: reactor, logger: logger) { text in
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            var configuration = ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
                    + [.init(service: dev, successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            configuration.maximumGracefulShutdownDuration = .seconds(60)
            try await ServiceGroup(configuration: configuration).run()
        }
    }

    /// examples/dev/*.pf of the current directory, sorted.
    private static func defaultFiles() throws -> [String] {
        let folder = "examples/dev"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw ValidationError("no molecule files given and no \(folder) here: run from the repository root or name files")
        }
        return names.filter { $0.hasSuffix(".pf") }.sorted().map { "\(folder)/\($0)" }
    }

    /// Reads and plans each file; a file that does not check fails with its diagnostics.
    private static func molecules(_ paths: [String]) throws -> [DevSessionConfiguration.Molecule] {
        try paths.map { path in
            let program = try MoleculeProgram.load(path: path, loader: FileSystemSourceLoader())
            let plan: TopologyPlan
            do {
                plan = try program.plan()
            } catch {
                FileHandle.standardError.write(Data(program.renderedDiagnostics().utf8))
                throw ValidationError("\(path) does not check: \(error)")
            }
            let source = try String(contentsOfFile: path, encoding: .utf8)
            return .init(sourceName: URL(fileURLWithPath: path).lastPathComponent, source: source, plan: plan)
        }
    }
}
