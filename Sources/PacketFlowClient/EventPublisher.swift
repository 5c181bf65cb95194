import PacketFlowCore
import PacketFlowJSON
import PacketFlowKafka
import PacketFlowWire

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
    private let topic: KafkaProducer.Topic
    /// The headers every event carries, around its own `pf-id`.
    private let constantHeaders: NewPacketHeaders

    /// Creates a publisher that sends through `producer`; the caller owns and closes it.
    public init(producer: KafkaProducer, options: PublishOptions) {
        self.producer = producer
        self.options = options
        self.topic = producer.topic(options.topic)
        self.constantHeaders = NewPacketHeaders(
            group: options.group, kind: options.kind ?? options.topic,
            extra: options.headers.map { KafkaHeader(key: $0.name, value: $0.value) })
    }

    /// Publishes every event of `input`, then waits up to `flushTimeout` for acknowledgements.
    ///
    /// - Parameter progress: called about once a second with the running count.
    /// - Throws: ``ClientError`` for unreadable input, or for an invalid event unless
    ///   `skipInvalid` is set (nothing after that line is sent); `KafkaError` when the producer
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
            let batch = EventBatch(capacity: max(text.utf8.count, 16))
            var text = text
            text.withUTF8 { _ = check(UnsafeRawBufferPointer($0), lineNumber: 1, into: batch) }
            for _ in 0..<(options.count ?? 1) {
                guard try await send(batch, source: "--value", run: &run, progress: progress) else { break }
                batch.invalid = 0  // a skipped invalid value counts once, not once per repeat
                batch.drawNewIDs()
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
    ///
    /// Two threads share the work: a checking thread reads ahead, validating each line and
    /// finding its key a read (up to 1 MiB) at a time, while this one sends the checked events.
    /// Three batches go round between them, so memory stays flat whatever the input's size.
    private nonisolated(nonsending) func publishLines(
        of reader: LineReader, run: inout Run, progress: (PublishProgress) -> Void
    ) async throws -> Bool {
        let (filled, fill) = AsyncStream<EventBatch>.makeStream()
        let (emptied, empty) = AsyncStream<EventBatch>.makeStream()
        for _ in 0..<3 { empty.yield(EventBatch()) }
        let checkingThread = DedicatedThreadExecutor(name: "packetflow-check")
        defer { checkingThread.shutdown() }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(executorPreference: checkingThread) {
                defer { fill.finish() }
                var batches = emptied.makeAsyncIterator()
                try await reader.forEachBatch { lines in
                    // No batch comes back once the sending side has stopped.
                    guard let batch = await batches.next(isolation: #isolation) else { return false }
                    batch.reset()
                    let more = check(&lines, into: batch)
                    fill.yield(batch)
                    return more
                }
            }
            var more = true
            do {
                for await batch in filled {
                    more = try await send(batch, source: reader.displayName, run: &run, progress: progress)
                    guard more else { break }
                    empty.yield(batch)
                }
            } catch {
                empty.finish()
                throw error
            }
            empty.finish()
            try await group.waitForAll()
            return more
        }
    }

    /// Checks the lines of one read into `batch`; returns false at a line that ends the input.
    private func check(_ lines: inout LineReader.Lines, into batch: EventBatch) -> Bool {
        while let (line, number) = lines.next() {
            guard check(line, lineNumber: number, into: batch) else { return false }
        }
        return true
    }

    /// Adds `line` to `batch` as an event, or counts or records why it is not one; returns
    /// false when the line ends the input (invalid, and invalid lines are not skipped).
    private func check(_ line: UnsafeRawBufferPointer, lineNumber: Int, into batch: EventBatch) -> Bool {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
        do {
            let key: Range<Int>? =
                switch try eventKey(line) {
                case .none: nil
                case .fixed(let key): batch.storeFixedKey(key)
                case .field(var key): key.withUTF8 { batch.store(UnsafeRawBufferPointer($0)) }
                }
            batch.append(line, key: key)
            return true
        } catch {
            guard options.skipInvalid else {
                batch.problem = EventBatch.Problem(lineNumber: lineNumber, column: error.column, message: error.message)
                return false
            }
            batch.invalid += 1
            return true
        }
    }

    /// Sends the events of `batch`; returns false once the count is reached.
    ///
    /// The loop is synchronous per event: it suspends only to pace (`--rate`) or when the
    /// producer's queue is full, so an event costs no async call.
    private nonisolated(nonsending) func send(
        _ batch: EventBatch, source: String, run: inout Run, progress: (PublishProgress) -> Void
    ) async throws -> Bool {
        for event in batch.events {
            if let count = options.count, run.sent >= count { return false }
            if options.rate != nil { try await run.pace() }
            let (value, key, idRandomDigits) = (batch[event.value], event.key.map { batch[$0] }, batch[event.idRandomDigits])
            while let full = try enqueue(value, key: key, idRandomDigits: idRandomDigits, run: &run) {
                await producer.waitForRoom(after: full)
            }
            if run.sent & 0x3FF == 0 { run.reportIfDue(progress) }
        }
        if let count = options.count, run.sent >= count { return false }
        run.invalid += batch.invalid
        if let problem = batch.problem {
            let sentBefore = run.sent == 0 ? "" : " (the \(run.sent) events before it were sent)"
            throw ClientError(.invalidEvent, "\(source):\(problem.lineNumber):\(problem.column): \(problem.message)\(sentBefore)")
        }
        return true
    }

    /// Hands one event to the producer unless its queue is full.
    ///
    /// The value and key are handed over in place (the batch keeps them until this returns),
    /// the constant headers are prebuilt and the id is written on the stack from its random
    /// part, drawn while checking: nothing allocated. The id and the record's timestamp share
    /// one reading of the coarse clock, taken now.
    private func enqueue(
        _ value: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer?, idRandomDigits: UnsafeRawBufferPointer, run: inout Run
    ) throws(KafkaError) -> KafkaProducer.QueueFull? {
        let now = PacketID.nowMilliseconds(coarse: true)
        let full = try producer.tryEnqueue(to: topic, key: key, value: value, timestampMilliseconds: now) { headers in
            PacketID.withID(createdAt: now, randomDigits: idRandomDigits) { constantHeaders.write(id: $0, into: &headers) }
        }
        if full == nil { run.sent += 1 }
        return full
    }

    /// An event's key: none, the run's fixed key, or its own from a payload field (as text: a
    /// short key lives inside the `String`, so finding it allocates nothing).
    private enum EventKey {
        case none
        case fixed([UInt8])
        case field(String)
    }

    /// Validates the event (unless told not to) and finds its key.
    private func eventKey(_ line: UnsafeRawBufferPointer) throws(EventProblem) -> EventKey {
        switch options.key {
        case .none, .fixed:
            if options.validate {
                do { try JSON.validate(line) } catch { throw EventProblem(error) }
            }
            if case .fixed(let key) = options.key { return .fixed(key) }
            return .none
        case .field(let path):
            let value: JSONValue?
            do { value = try JSON.value(at: path, in: line) } catch { throw EventProblem(error) }
            switch value {
            case .string(let text): return .field(text)
            case .integer(let number): return .field(String(number))
            case .bool(let flag): return .field(String(flag))
            case .number(let number): return .field(String(number))
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
