import CRdKafka
import Foundation
import Logging

/// Produces records to Kafka, one awaited at a time (`send`) or fire-and-forget (`enqueue`).
///
/// `enqueue` takes a `KafkaProducerMessage`, or for bulk loads borrowed bytes and a prebuilt
/// `KafkaHeaderList` (`enqueue(topic:partition:key:value:timestampMilliseconds:group:headers:)`),
/// which costs no Swift allocation per record; `tryEnqueue` is the same without an async
/// call, for loops that only suspend when the queue is full, and `tryEnqueue(to:...)` with a
/// topic resolved once (`topic(_:)`) and a borrowed key is the tightest loop of all (nothing
/// retained per record). Enqueued records are counted
/// (`deliveryCounts`, `flush`), or acknowledged as a unit of work when given a
/// `KafkaDeliveryGroup`.
///
/// A dedicated poll thread serves librdkafka's delivery reports in batches, so neither path
/// blocks a Swift task on I/O; `enqueue` also serves the reports already waiting every 64
/// records, so librdkafka frees each record's memory on the thread that allocated it (glibc's
/// per-thread caches: measured 40% less CPU and a third of the memory). Idempotence is on by
/// default: records reach each partition once and in order. All methods are thread-safe.
/// Call `close()` when done; dropping the producer without it stops the poll thread but
/// abandons unsent records.
public final class KafkaProducer: Sendable {
    private let client: RdKafkaClient
    private let topics: RdKafkaTopicHandles
    private let events: ProducerEventHandler
    private let pollThread: PollingThread
    private let bootstrapServers: String
    private let logger: Logger

    /// Creates the producer and starts its poll thread.
    ///
    /// Connects lazily: an unreachable cluster shows only when records fail or through
    /// `waitUntilConnected(timeout:)`. Throws `KafkaError` naming a property librdkafka rejects.
    public init(
        configuration: KafkaProducerConfiguration,
        logger: Logger = Logger(label: "packetflow.kafka.producer")
    ) throws {
        let client = try RdKafkaClient.make(type: RD_KAFKA_PRODUCER, properties: configuration.librdkafkaProperties) { conf in
            rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR)
        }
        let events = ProducerEventHandler(queue: RdKafkaQueue.makeMain(of: client))
        self.client = client
        self.topics = RdKafkaTopicHandles(client: client)
        self.events = events
        self.bootstrapServers = configuration.bootstrapServers
        self.logger = logger
        self.pollThread = PollingThread(name: "kafka-producer-poll", interrupt: events.interruptPoll) { events.pollOnce() }
    }

    deinit {
        pollThread.stop()
    }

    /// Produces `message` and returns where it was stored once the cluster acknowledged it.
    ///
    /// Throws `KafkaError` if librdkafka refuses the record (e.g. queue full: use `enqueue` for
    /// bulk loads) or if delivery fails after librdkafka's retries.
    public func send(_ message: KafkaProducerMessage) async throws -> KafkaDeliveryReport {
        try await withCheckedThrowingContinuation { continuation in
            let promise = DeliveryPromise(continuation)
            let opaque = Unmanaged.passRetained(promise).toOpaque()
            let error = message.withOutgoingRecord(opaque: opaque) { record in
                produce(record, to: topic(message.topic)) { headers in message.headers.forEach { headers.append($0) } }
            }
            if let error {
                Unmanaged<DeliveryPromise>.fromOpaque(opaque).release()
                promise.fail(error)
            } else {
                events.servePromptly()
            }
        }
    }

    /// Hands `message` to librdkafka (which copies it) and returns without waiting for delivery.
    ///
    /// When the local queue is full (`queueMessageLimit`) this suspends until delivery reports
    /// free room, so a fast loop slows to the cluster's pace instead of failing. Outcomes are
    /// counted in `deliveryCounts`; call `flush(timeout:)` to wait for all of them. Throws
    /// `KafkaError` if librdkafka refuses the record for another reason, or after a fatal error.
    /// Runs on the caller's executor (`nonisolated(nonsending)`): no executor switch per record.
    ///
    /// With `group`, the record's outcome is counted in the group instead (see
    /// `KafkaDeliveryGroup`).
    public nonisolated(nonsending) func enqueue(_ message: KafkaProducerMessage, group: KafkaDeliveryGroup? = nil) async throws {
        while true {
            let attempt = beginAttempt(group: group)
            let error = message.withOutgoingRecord(opaque: attempt.opaque) { record in
                produce(record, to: topic(message.topic)) { headers in message.headers.forEach { headers.append($0) } }
            }
            guard let full = try outcome(of: attempt, error: error, group: group) else { return }
            await waitForRoom(after: full)
        }
    }

    /// Hands a record whose value is borrowed bytes to librdkafka, which copies it, and returns
    /// without waiting for delivery: the bulk path, with no Swift allocation per record.
    ///
    /// `value` (`nil`: a null value) must stay valid until the call returns, e.g. a line in a
    /// read buffer; `timestampMilliseconds` (since the epoch) is the record's creation time,
    /// now when `nil`. `key` is an array because keys are small and usually Swift values; it is
    /// read in place. `headers` adds the record's headers in order, typically a prebuilt
    /// `KafkaHeaderList` plus the few that change per record; each append copies, and the
    /// closure may run more than once (again after waiting for room). Queue-full waiting,
    /// counting (or `group`) and errors are as in `enqueue(_:group:)`.
    public nonisolated(nonsending) func enqueue(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]? = nil,
        value: UnsafeRawBufferPointer?,
        timestampMilliseconds: Int64? = nil,
        group: KafkaDeliveryGroup? = nil,
        headers: (inout KafkaRecordHeaders) -> Void = { _ in }
    ) async throws {
        while let full = try tryEnqueue(
            topic: topic, partition: partition, key: key, value: value, timestampMilliseconds: timestampMilliseconds, group: group,
            headers: headers)
        {
            await waitForRoom(after: full)
        }
    }

    /// The full local queue a record met in
    /// ``tryEnqueue(topic:partition:key:value:timestampMilliseconds:group:headers:)``: pass it
    /// to ``waitForRoom(after:)``.
    public struct QueueFull: Sendable {
        fileprivate let generation: UInt64
    }

    /// The synchronous bulk path: hands the record to librdkafka like
    /// `enqueue(topic:partition:key:value:timestampMilliseconds:group:headers:)` when its queue
    /// has room, and returns `QueueFull` instead of waiting when it has none.
    ///
    /// For loops that hand over many records without an async call each: produce until
    /// `QueueFull`, `await waitForRoom(after:)`, then try the same record again. Throws
    /// `KafkaError` for every other refusal, or after a fatal error.
    public func tryEnqueue(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]? = nil,
        value: UnsafeRawBufferPointer?,
        timestampMilliseconds: Int64? = nil,
        group: KafkaDeliveryGroup? = nil,
        headers: (inout KafkaRecordHeaders) -> Void = { _ in }
    ) throws(KafkaError) -> QueueFull? {
        let topic = self.topic(topic)
        return try key.withOptionalBytes { key in
            Result { () throws(KafkaError) in
                try tryEnqueue(
                    to: topic, partition: partition, key: key, value: value, timestampMilliseconds: timestampMilliseconds,
                    group: group, headers: headers)
            }
        }.get()
    }

    /// The tightest bulk path: `tryEnqueue(topic:partition:key:value:timestampMilliseconds:group:headers:)`
    /// to a topic resolved once with ``topic(_:)``, with the key borrowed like the value.
    ///
    /// A loop over one topic skips the lookup per record, and nothing is retained or
    /// allocated on the Swift side per record.
    public func tryEnqueue(
        to topic: Topic,
        partition: Int32? = nil,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?,
        timestampMilliseconds: Int64? = nil,
        group: KafkaDeliveryGroup? = nil,
        headers: (inout KafkaRecordHeaders) -> Void = { _ in }
    ) throws(KafkaError) -> QueueFull? {
        // Straight-line code, no closure around the call: a closure's context would retain the
        // producer, the topic and the group for every record.
        let attempt = beginAttempt(group: group)
        let record = OutgoingRecord(
            partition: partition, key: key, value: value, timestampMilliseconds: timestampMilliseconds, opaque: attempt.opaque)
        return try outcome(of: attempt, error: produce(record, to: topic, headers: headers), group: group)
    }

    /// A topic resolved to librdkafka's handle for it, for producing many records to it.
    ///
    /// Valid as long as its producer (it keeps the producer's handles alive).
    public struct Topic: @unchecked Sendable {
        /// The topic's name.
        public let name: String
        /// `nil` when librdkafka refuses the name: records then go by name and fail with why.
        let handle: OpaquePointer?
        /// Keeps the handle alive.
        fileprivate let owner: RdKafkaTopicHandles
    }

    /// Resolves `name` once; see ``tryEnqueue(to:partition:key:value:timestampMilliseconds:group:headers:)``.
    public func topic(_ name: String) -> Topic {
        Topic(name: name, handle: topics.handle(for: name), owner: topics)
    }

    /// Waits until delivery reports may have freed room in the queue `full` was met in.
    public nonisolated(nonsending) func waitForRoom(after full: QueueFull) async {
        await events.waitForRoom(since: full.generation)
    }

    /// One try at handing a record over: the queue room seen before it, and the record's opaque.
    private struct Attempt {
        var generation: UInt64
        /// `group` retained, or nil.
        var opaque: UnsafeMutableRawPointer?
    }

    /// Starts a try: reads the room generation and counts the record in `group` (taken back in
    /// `outcome` if librdkafka refuses it).
    private func beginAttempt(group: KafkaDeliveryGroup?) -> Attempt {
        let generation = events.currentRoomGeneration
        group?.recordEnqueuing(reportedBy: events)
        return Attempt(generation: generation, opaque: group.map { Unmanaged.passRetained($0).toOpaque() })
    }

    /// Ends a try whose produce call returned `error`: nil when librdkafka took the record,
    /// `QueueFull` when its queue is full, and throws for every other refusal.
    private func outcome(of attempt: Attempt, error: KafkaError?, group: KafkaDeliveryGroup?) throws(KafkaError) -> QueueFull? {
        guard let error else {
            events.recordEnqueued()
            return nil
        }
        if let group, let opaque = attempt.opaque {
            Unmanaged<KafkaDeliveryGroup>.fromOpaque(opaque).release()
            group.recordNotEnqueued()
        }
        guard error.code == .queueFull else { throw error }
        if let fatal = events.fatalError { throw fatal }
        // Reports waiting to be served hold the room: serving them here frees it without
        // waiting for the poll thread (the caller's wait then returns at once).
        events.serveWaitingReports()
        return QueueFull(generation: attempt.generation)
    }

    /// Outcomes of records sent with `enqueue` so far: delivered, failed, first failures.
    public var deliveryCounts: KafkaDeliveryCounts { events.counts }

    /// Waits until every record handed to the producer has a delivery outcome.
    ///
    /// Blocks a dispatch thread, never the cooperative pool. Throws `KafkaError` with code
    /// `timedOut` naming how many records are still outstanding.
    public func flush(timeout: Duration) async throws {
        let client = client
        events.servePromptly()
        try await BlockingCall.run { () throws(KafkaError) in
            // With delivery-report events, rd_kafka_flush only waits for the poll thread to
            // drain the reports; it polls nothing itself.
            let result = rd_kafka_flush(client.pointer, timeout.timeoutMilliseconds)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(
                    code: KafkaError.Code(result),
                    message: "\(rd_kafka_outq_len(client.pointer)) records still undelivered after \(timeout)"
                )
            }
        }
    }

    /// Checks that a broker answers, failing within `timeout` with the connection error.
    ///
    /// Use at start-up so a wrong address shows at once, e.g.
    /// `broker 127.0.0.1:9 unreachable: connection refused`. Default timeout: 10 s.
    public func waitUntilConnected(timeout: Duration = .seconds(10)) async throws {
        let (client, events, bootstrapServers) = (client, events, bootstrapServers)
        try await BlockingCall.run { () throws(KafkaError) in
            try client.probeBrokers(timeout: timeout, bootstrapServers: bootstrapServers) { events.lastError }
        }
    }

    /// Flushes for up to `timeout`, then stops the poll thread.
    ///
    /// Records still undelivered after `timeout` are counted as failed by librdkafka when the
    /// handle goes away. Default timeout: 30 s. Further sends fail.
    public func close(timeout: Duration = .seconds(30)) async {
        do {
            try await flush(timeout: timeout)
        } catch {
            logger.warning("closing the producer with records undelivered", metadata: ["error": "\(error)"])
        }
        pollThread.stop()
        await pollThread.waitUntilExited()
        events.wakeAllWaiters()
    }

    /// Produces `record` unless the producer is closed; returns the error instead of throwing,
    /// for the hot path.
    private func produce(
        _ record: OutgoingRecord, to topic: borrowing Topic, headers: (inout KafkaRecordHeaders) -> Void
    ) -> KafkaError? {
        if pollThread.isStopping {
            return KafkaError(code: .destroyed, message: "the producer is closed")
        }
        return record.produce(on: client, to: topic, headers: headers)
    }
}
