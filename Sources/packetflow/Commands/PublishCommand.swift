import ArgumentParser
import CMalloc
import Foundation
import Logging
import PacketFlowClient
import PacketFlowCore
import PacketFlowJSON
import PacketFlowKafka
import UnixSignals

/// `packetflow publish`: sends JSON events to a topic as packets.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish JSON events to a topic as packets.",
        discussion: """
            Events come from --value, from --file, or from standard input as JSON lines \
            (one event per line; blank lines are skipped). Each line is checked to be JSON: \
            a bad line stops the run with its line number and a non-zero exit, unless \
            --skip-invalid counts and skips it. Input is streamed, so memory stays flat \
            whatever the file's size. The exit code is non-zero when any event was not \
            acknowledged by the broker. A missing topic is created with the group's \
            partition count (see docs/periodic-table.md) or --partitions.

            --follow keeps reading --file as it grows, like tail -F (a half-written last line \
            waits for its newline; a truncated file is read again from its start), until \
            SIGINT or SIGTERM, which flush what was read and print the summary: a file source.

            Examples:
              packetflow publish clicks --value '{"user":"ada"}'
              packetflow publish orders --file orders.jsonl --key-field customer.id --group CF
              packetflow publish clicks --file clicks.jsonl --repeat 10 --rate 5000
              packetflow publish access --file /var/log/app/access.jsonl --follow
              generate-events | packetflow publish clicks --header source=generator
            """
    )

    @Argument(help: "The topic to publish to.")
    var topic: String

    @Option(help: ArgumentHelp("One JSON event to publish (--count times).", valueName: "json"))
    var value: String?

    @Option(help: ArgumentHelp("A JSON-lines file to publish. Default: standard input.", valueName: "path"))
    var file: String?

    @Option(help: ArgumentHelp("The Kafka key of every event.", valueName: "key"))
    var key: String?

    @Option(help: ArgumentHelp("Key each event by this payload field, e.g. customer.id.", valueName: "path"))
    var keyField: String?

    @Option(help: ArgumentHelp("The packets' group: CF, DF, ED, CO, MC or RM.", valueName: "group"))
    var group: String = PacketGroup.eventDriven.symbol

    @Option(help: ArgumentHelp("The packets' kind. Default: the topic's name.", valueName: "name"))
    var kind: String?

    @Option(
        name: .customLong("header"),
        help: ArgumentHelp("An extra header on every packet. Repeatable.", valueName: "name=value")
    )
    var headers: [String] = []

    @Option(help: ArgumentHelp(
        "Partitions of the topic if it must be created. Default: the group's (ED 6, DF 12, CF 6, ...).",
        valueName: "n"))
    var partitions: Int?

    @Option(help: ArgumentHelp("Send at most this many events per second.", valueName: "n"))
    var rate: Double?

    @Option(help: ArgumentHelp("Stop after this many events.", valueName: "n"))
    var count: Int?

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Read the file this many times.", valueName: "n"))
    var passes: Int = 1

    @Flag(help: "Keep reading --file as it grows, until SIGINT or SIGTERM.")
    var follow = false

    @Flag(help: "Skip lines that are not JSON, and count them, instead of stopping.")
    var skipInvalid = false

    @Flag(help: "Do not check that events are JSON (fastest).")
    var noValidate = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if value != nil && file != nil { throw ValidationError("--value and --file cannot be used together") }
        if key != nil && keyField != nil { throw ValidationError("--key and --key-field cannot be used together") }
        if PacketGroup(symbol: group) == nil {
            throw ValidationError("--group \(group): expected one of CF, DF, ED, CO, MC, RM")
        }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        if let partitions, partitions < 1 { throw ValidationError("--partitions must be at least 1") }
        if let count, count < 0 { throw ValidationError("--count must not be negative") }
        if passes < 1 { throw ValidationError("--repeat must be at least 1") }
        if passes > 1 && file == nil { throw ValidationError("--repeat needs --file (standard input cannot be read twice)") }
        if follow && file == nil { throw ValidationError("--follow needs --file") }
        if follow && passes > 1 { throw ValidationError("--follow and --repeat cannot be used together") }
        if let value, !noValidate {
            do { try JSON.validate(value) } catch { throw ValidationError("--value: \(error)") }
        }
    }

    func run() async throws {
        Self.tuneAllocator()
        var options = PublishOptions(topic: topic)
        options.group = PacketGroup(symbol: group)!
        options.kind = kind
        if let key { options.key = .fixed(Array(key.utf8)) }
        if let keyField {
            do { options.key = .field(try JSONPath(keyField)) } catch { throw ValidationError("--key-field: \(error)") }
        }
        options.headers = try headers.map(Self.header)
        options.validate = !noValidate
        options.skipInvalid = skipInvalid
        options.rate = rate
        options.count = count
        options.passes = passes
        let input: EventPublisher.Input =
            if let value { .value(value) } else if let file { follow ? .followedFile(file) : .file(file) } else { .standardInput }

        var configuration = KafkaProducerConfiguration(bootstrapServers: connection.bootstrap)
        configuration.linger = options.group.properties.producer.linger
        configuration.properties = try connection.properties()
        let producer = try KafkaProducer(configuration: configuration)
        try await producer.waitUntilConnected()
        try await ensureTopic(group: options.group)

        let showProgress = !quiet && isatty(STDERR_FILENO) == 1
        let summary: PublishSummary
        let publisher = EventPublisher(producer: producer, options: options)
        do {
            summary = try await Self.untilSignalled(stoppable: follow) {
                try await publisher.publish(input) { progress in
                    guard showProgress else { return }
                    FileHandle.standardError.write(Data(
                        "\rsent \(progress.sent) events (\(Self.rate(progress.eventsPerSecond)) events/s)   ".utf8))
                }
            }
        } catch {
            await producer.close(timeout: .seconds(10))
            throw error
        }
        await producer.close()
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }

        if !quiet {
            var line = "published \(summary.delivered) of \(summary.sent) events to \(topic)"
            line += " in \(String(format: "%.2f", summary.elapsedSeconds)) s (\(Self.rate(summary.eventsPerSecond)) events/s)"
            if summary.invalid > 0 { line += ", \(summary.invalid) invalid lines skipped" }
            print(line)
        }
        if summary.failed > 0 {
            let reason = summary.firstFailures.first.map { ": \($0)" } ?? ""
            throw DeliveryFailed(count: summary.failed, reason: reason)
        }
    }

    /// Turns off glibc's fast bins (`M_MXFAST` 0) for this process.
    ///
    /// Publishing is one loop handing librdkafka a record at a time, and librdkafka allocating
    /// a handful of small blocks for each and freeing them in bursts of thousands when delivery
    /// reports come back. Fast bins keep such blocks unmerged until a larger request merges them
    /// all at once (`malloc_consolidate`, 4-7% of the producing thread in `perf`); without them
    /// the blocks go to the per-thread cache and the ordinary bins. Measured: about 20% less CPU
    /// and kcat's rate (0.99-1.04x) instead of 0.86-0.92x, and far less swing from run to run
    /// (docs/performance.md, "Publishing events"). Only this command does it: the worker
    /// measured no difference.
    private static func tuneAllocator() {
        _ = mallopt(M_MXFAST, 0)
    }

    /// Runs `body`; when `stoppable`, SIGINT or SIGTERM cancel it (a followed file then ends
    /// its reading, and `body` flushes and returns its summary).
    private static func untilSignalled(
        stoppable: Bool, _ body: @escaping @Sendable () async throws -> PublishSummary
    ) async throws -> PublishSummary {
        guard stoppable else { return try await body() }
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        return try await withThrowingTaskGroup(of: PublishSummary?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                for await _ in signals { return nil }
                return nil
            }
            while let result = try await group.next() {
                if let summary = result {
                    group.cancelAll()
                    return summary
                }
                // A signal: stop reading; the publishing task finishes with its summary.
                group.cancelAll()
            }
            throw CancellationError()
        }
    }

    /// Creates the topic when it is missing; an existing topic is used as it is, unless
    /// --partitions asks for more partitions than it has.
    private func ensureTopic(group: PacketGroup) async throws {
        var provisioner = try connection.topicProvisioner(logger: Logger(label: "packetflow.topics"))
        provisioner.timeout = .seconds(15)
        do {
            try await provisioner.ensureTopic(topic, partitions: partitions ?? group.properties.defaultPartitions)
        } catch {
            // An existing topic with fewer partitions than the group's default is fine to publish to.
            guard error.code == .partitionCountMismatch, partitions == nil else { throw error }
        }
    }

    private static func header(_ text: String) throws -> PacketHeader {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ValidationError("--header \(text): expected name=value")
        }
        return PacketHeader(name: String(text[..<equals]), text: String(text[text.index(after: equals)...]))
    }

    static func rate(_ perSecond: Double) -> String {
        perSecond >= 10_000 ? String(format: "%.1fk", perSecond / 1_000) : String(format: "%.0f", perSecond)
    }
}

/// Some events were not acknowledged: the run's exit code must say so.
struct DeliveryFailed: Error, CustomStringConvertible {
    var count: Int
    var reason: String
    var description: String { "\(count) events were not delivered\(reason)" }
}
