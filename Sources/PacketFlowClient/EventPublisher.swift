import PacketFlowCore
import PacketFlowJSON
import PacketFlowKafka

/// Publishes JSON events as packets: from one value, a file, or standard input as JSON lines.
///
/// Input is streamed (constant memory whatever its size), each line is validated unless told
/// not to, and events are handed to the producer's fire-and-forget path, which waits for room
/// when its queue is full. A run ends with a flush, so the summary counts acknowledgements.
public struct EventPublisher: Sendable {
    /// Where events come from.
    public enum Input: Sendable {
        /// One JSON value, sent `count` times (once by default).
        case value(String)
        /// A JSON-lines file.
        case file(String)
        /// A JSON-lines file followed as it grows, until the task is cancelled (see ``LineReader``).
        case followedFile(String)
        /// Standard input as JSON lines.
        case standardInput
    }

    private let producer: KafkaProducer
    private let options: PublishOptions
    /// The headers every event carries, around its own `pf-id`.
    private let constantHeaders: (before: KafkaHeaderList, after: KafkaHeaderList)

    /// Creates a publisher that sends through `producer`; the caller owns and closes it.
    public init(producer: KafkaProducer, options: PublishOptions) {
        self.producer = producer
        self.options = options
        // The wire format's order: version, id, group, kind, then the user's headers.
        self.constantHeaders = (
            before: KafkaHeaderList([KafkaHeader(key: PacketWireFormat.Header.version, value: String(PacketWireFormat.version))]),
            after: KafkaHeaderList([
                KafkaHeader(key: PacketWireFormat.Header.group, value: options.group.symbol),
                KafkaHeader(key: PacketWireFormat.Header.kind, value: options.kind ?? options.topic),
            ] + options.headers.map { KafkaHeader(key: $0.name, value: $0.value) }))
    }

    /// Publishes every event of `input`, then waits up to `flushTimeout` for acknowledgements.
    ///
    /// - Parameter progress: called about once a second with the running count.
    /// - Throws: ``ClientError`` for unreadable input, or for an invalid event unless
    ///   `skipInvalid` is set (nothing after that line is read); `KafkaError` when the producer
    ///   refuses events.
    public func publish(
        _ input: Input,
        flushTimeout: Duration = .seconds(60),
        progress: (PublishProgress) -> Void = { _ in }
    ) async throws -> PublishSummary {
        // One thread for the whole run: see DedicatedThreadExecutor for why it matters.
        let executor = DedicatedThreadExecutor(name: "packetflow-publish")
        defer { executor.shutdown() }
        return try await withTaskExecutorPreference(executor) {
            try await publishOnCurrentThread(input, flushTimeout: flushTimeout, progress: progress)
        }
    }

    private nonisolated(nonsending) func publishOnCurrentThread(
        _ input: Input,
        flushTimeout: Duration,
        progress: (PublishProgress) -> Void
    ) async throws -> PublishSummary {
        var run = Run(options: options, clock: ContinuousClock())
        switch input {
        case .value(let text):
            let value = UnsafeMutableRawBufferPointer.allocate(byteCount: text.utf8.count, alignment: 1)
            defer { value.deallocate() }
            value.copyBytes(from: text.utf8)
            for _ in 0..<(options.count ?? 1) {
                _ = try await send(UnsafeRawBufferPointer(value), lineNumber: 1, source: "--value", run: &run, progress: progress)
            }
        case .file(let path):
            for _ in 0..<max(options.passes, 1) {
                guard try await publishLines(of: LineReader(path: path), run: &run, progress: progress) else { break }
            }
        case .followedFile(let path):
            do {
                _ = try await publishLines(of: LineReader(following: path), run: &run, progress: progress)
            } catch is CancellationError {
                // Following ends by cancellation: what was read is flushed below.
            }
        case .standardInput:
            _ = try await publishLines(of: .standardInput(), run: &run, progress: progress)
        }
        try await producer.flush(timeout: flushTimeout)
        let counts = producer.deliveryCounts
        return PublishSummary(
            sent: run.sent, delivered: counts.delivered, failed: counts.failed, invalid: run.invalid,
            elapsed: run.clock.now - run.start, firstFailures: counts.firstFailures)
    }

    /// Publishes the lines of one pass; returns false when the count is reached.
    private nonisolated(nonsending) func publishLines(
        of reader: LineReader, run: inout Run, progress: (PublishProgress) -> Void
    ) async throws -> Bool {
        var more = true
        try await reader.forEachLine { line, number in
            more = try await send(line, lineNumber: number, source: reader.displayName, run: &run, progress: progress)
            return more
        }
        return more
    }

    /// Sends one event; returns false once the count is reached.
    private nonisolated(nonsending) func send(
        _ line: UnsafeRawBufferPointer, lineNumber: Int, source: String, run: inout Run,
        progress: (PublishProgress) -> Void
    ) async throws -> Bool {
        if let count = options.count, run.sent >= count { return false }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
        let key: [UInt8]?
        do {
            key = try eventKey(line)
        } catch {
            guard options.skipInvalid else {
                let sentBefore = run.sent == 0 ? "" : " (the \(run.sent) events before it were sent)"
                throw ClientError(.invalidEvent, "\(source):\(lineNumber):\(error.column): \(error.message)\(sentBefore)")
            }
            run.invalid += 1
            return true
        }
        try await run.pace()
        // The line is handed over in place (the reader keeps it until this returns), the
        // constant headers are prebuilt and the id is written on the stack: nothing allocated.
        try await producer.enqueue(topic: options.topic, key: key, value: line) { headers in
            headers.append(contentsOf: constantHeaders.before)
            run.ids.withNextID { headers.append(name: PacketWireFormat.Header.id, value: $0) }
            headers.append(contentsOf: constantHeaders.after)
        }
        run.sent += 1
        if run.sent & 0x3FF == 0 { run.reportIfDue(progress) }
        return true
    }

    /// Validates the event (unless told not to) and finds its key.
    private func eventKey(_ line: UnsafeRawBufferPointer) throws(EventProblem) -> [UInt8]? {
        switch options.key {
        case .none, .fixed:
            if options.validate {
                do { try JSON.validate(line) } catch { throw EventProblem(error) }
            }
            if case .fixed(let key) = options.key { return key }
            return nil
        case .field(let path):
            let value: JSONValue?
            do { value = try JSON.value(at: path, in: line) } catch { throw EventProblem(error) }
            switch value {
            case .string(let text): return Array(text.utf8)
            case .integer(let number): return Array(String(number).utf8)
            case .bool(let flag): return Array(String(flag).utf8)
            case .number(let number): return Array(String(number).utf8)
            case nil, .null: throw EventProblem(message: "key field \(path) is missing")
            case .array, .object: throw EventProblem(message: "key field \(path) is not a string or number")
            }
        }
    }

    /// Why an input line is not an event, and the column where it goes wrong (1 when unknown).
    private struct EventProblem: Error {
        var message: String
        var column = 1

        init(message: String) {
            self.message = message
        }

        init(_ error: JSONError) {
            self.message = "invalid JSON: \(error.message)"
            self.column = max(error.location?.column ?? 1, 1)
        }
    }

    /// Counters and pacing of one run.
    private struct Run {
        let options: PublishOptions
        let clock: ContinuousClock
        let start: ContinuousClock.Instant
        var sent = 0
        var invalid = 0
        var ids = PacketIDGenerator()
        var lastReport: ContinuousClock.Instant

        init(options: PublishOptions, clock: ContinuousClock) {
            self.options = options
            self.clock = clock
            self.start = clock.now
            self.lastReport = start
        }

        /// Sleeps until event `sent` is due at the configured rate.
        nonisolated(nonsending) mutating func pace() async throws {
            guard let rate = options.rate, rate > 0 else { return }
            let due = start + .seconds(Double(sent) / rate)
            if due > clock.now + .milliseconds(1) {
                try await clock.sleep(until: due)
            }
        }

        mutating func reportIfDue(_ progress: (PublishProgress) -> Void) {
            let now = clock.now
            guard now - lastReport >= .seconds(1) else { return }
            lastReport = now
            progress(PublishProgress(sent: sent, elapsed: now - start))
        }
    }
}
