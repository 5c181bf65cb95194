import Foundation
import Logging
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowReactorService
import ServiceLifecycle

/// The part of `packetflow dev` that runs beside the broker and the reactor: deploys the
/// molecules, drives load, draws the live view and prints the summary.
///
/// Run it in the same `ServiceGroup` as the reactor, configured to shut the group down when
/// it returns: it returns when ``DevSessionConfiguration/duration`` has passed, or on graceful
/// shutdown (Ctrl-C, SIGTERM), after printing the summary. The group then stops the HTTP
/// server, drains the workers and stops the broker.
public struct DevSession: Service {
    private let configuration: DevSessionConfiguration
    private let reactor: ReactorService
    private let logger: Logger
    private let write: @Sendable (String) -> Void

    /// A session deploying to `reactor`; `write` prints to the terminal (standard output).
    public init(
        configuration: DevSessionConfiguration, reactor: ReactorService, logger: Logger,
        write: @escaping @Sendable (String) -> Void
    ) {
        self.configuration = configuration
        self.reactor = reactor
        self.logger = logger
        self.write = write
    }

    public func run() async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while await !reactor.isReady {
            guard clock.now < deadline else { throw DevError("the reactor did not load its registry within 60 s") }
            try await Task.sleep(for: .milliseconds(100))
        }
        for molecule in configuration.molecules {
            let summary = try await reactor.deploy(source: molecule.source, sourceName: molecule.sourceName)
            write("deployed \(summary.molecule): stages \(summary.stages.joined(separator: ", "))\n")
        }
        let admin = try KafkaTopicAdmin(bootstrapServers: configuration.bootstrapServers, properties: configuration.properties)
        let tally = try DevSinkTally(
            sinks: Dictionary(configuration.molecules.map { ($0.plan.molecule, $0.plan.topics.filter { $0.role == .sink }.map(\.name)) },
                              uniquingKeysWith: { first, _ in first }),
            bootstrapServers: configuration.bootstrapServers, properties: configuration.properties)
        let start = clock.now
        var board = DevStatusBoard()
        let reading = Task { await tally.run() }
        defer { reading.cancel() }
        await withTaskGroup(of: Void.self) { group in
            let control = DevLoadControl(rate: configuration.loadRate, onRate: configuration.loadRate > 0 ? configuration.loadRate : 100)
            let keyboard = configuration.interactive ? DevKeyboard.start(control: control) : nil
            defer { keyboard?.restore() }
            if configuration.loadRate > 0 || keyboard != nil {
                let driver = DevLoadDriver(
                    bootstrapServers: configuration.bootstrapServers, properties: configuration.properties)
                let loadFor = configuration.loadDuration ?? configuration.duration ?? .seconds(365 * 86_400)
                let logger = logger
                // Every molecule gets the whole rate into its own sources, so each shows what
                // it does under that load whatever else is deployed.
                for molecule in configuration.molecules {
                    let topics = molecule.plan.topics.filter { $0.role == .source }.map(\.name)
                    guard !topics.isEmpty else { continue }
                    if !configuration.interactive {
                        write("load: \(Int(configuration.loadRate)) events/s into \(topics.joined(separator: ", ")) for \(loadFor)\n")
                    }
                    group.addTask {
                        do {
                            try await driver.run(topics: topics, rate: { control.rate }, for: loadFor)
                        } catch {
                            logger.error(
                                "the load driver stopped",
                                metadata: ["molecule": "\(molecule.plan.molecule)", "error": "\(error)"])
                        }
                    }
                }
            }
            await draw(board: &board, admin: admin, start: start, control: control, tally: tally)
            group.cancelAll()
            await group.waitForAll()
        }
        // The last records written before the end reach the tally within a fetch or two.
        let sinks = configuration.molecules.flatMap { $0.plan.topics.filter { $0.role == .sink }.map(\.name) }
        let written = await Self.records(in: sinks, admin: admin)
        let settle = clock.now + .seconds(5)
        while clock.now < settle, configuration.molecules.reduce(Int64(0), { $0 + tally.count($1.plan.molecule).records }) < written {
            guard (try? await Task.sleep(for: .milliseconds(100))) != nil else { break }
        }
        await refresh(&board, admin: admin, second: Int((clock.now - start).components.seconds), tally: tally)
        if configuration.interactive { write("\u{1B}[?25h") }
        write(board.summary() + "\n")
    }

    /// Redraws until the duration has passed or the group shuts down gracefully.
    private func draw(
        board: inout DevStatusBoard, admin: KafkaTopicAdmin, start: ContinuousClock.Instant, control: DevLoadControl,
        tally: DevSinkTally
    ) async {
        let clock = ContinuousClock()
        var lastLine = clock.now - .seconds(3_600)
        if configuration.interactive { write("\u{1B}[?25l\u{1B}[2J") }
        while !Task.isShuttingDownGracefully && !Task.isCancelled && !control.quitRequested {
            let elapsed = clock.now - start
            if let duration = configuration.duration, elapsed >= duration { return }
            await refresh(&board, admin: admin, second: Int(elapsed.components.seconds), tally: tally)
            if configuration.interactive {
                let keys = "keys: l load on/off (now \(Int(control.rate)) events/s), + more, - less, q quit"
                write("\u{1B}[H" + configuration.banner + "\n" + keys + "\u{1B}[K\n\n" + board.frame(width: 110))
            } else if clock.now - lastLine >= configuration.statusLineInterval {
                lastLine = clock.now
                write(board.statusLine() + "\n")
            }
            try? await Task.sleep(for: configuration.refreshInterval)
        }
    }

    private func refresh(_ board: inout DevStatusBoard, admin: KafkaTopicAdmin, second: Int, tally: DevSinkTally) async {
        var statuses: [MoleculeStatus] = []
        for summary in await reactor.list() {
            if let status = try? await reactor.status(summary.molecule) { statuses.append(status) }
        }
        board.observe(statuses, at: second)
        for molecule in configuration.molecules {
            let sources = molecule.plan.topics.filter { $0.role == .source }.map(\.name)
            let sinks = molecule.plan.topics.filter { $0.role == .sink }.map(\.name)
            let read = tally.count(molecule.plan.molecule)
            // Distinct among what the tally read, against all it read: duplicates so far.
            let out = await Self.records(in: sinks, admin: admin)
            board.record(
                .init(
                    packetsIn: await Self.records(in: sources, admin: admin), packetsOut: out,
                    distinctOut: read.records == out ? read.distinct : out - (read.records - read.distinct)),
                molecule: molecule.plan.molecule)
        }
    }

    private static func records(in topics: [String], admin: KafkaTopicAdmin) async -> Int64 {
        var total: Int64 = 0
        for topic in topics {
            let marks = (try? await admin.watermarks(topic: topic)) ?? []
            total += marks.reduce(0) { $0 + max(0, $1.high - $1.low) }
        }
        return total
    }
}
