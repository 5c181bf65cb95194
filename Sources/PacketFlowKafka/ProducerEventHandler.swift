import CRdKafka
import Foundation
import Synchronization

/// Serves a producer's main queue: delivery reports in batches, errors, queue room.
///
/// Runs on the `PollingThread`, and on the enqueuing thread while records flow
/// (`recordEnqueued`); the producer reads its state from any thread, hence the `Mutex`.
/// Records sent with `KafkaProducer.send` carry a retained `DeliveryPromise` as their opaque,
/// records enqueued with a group carry the retained `KafkaDeliveryGroup`, the others none and
/// are only counted.
final class ProducerEventHandler: Sendable {
    private let queue: RdKafkaQueue
    private let state = Mutex(State())
    /// Bumped after every delivery-report batch, i.e. whenever queue room may have appeared.
    private let roomGeneration = Atomic<UInt64>(0)

    private struct State {
        var counts = KafkaDeliveryCounts()
        var lastError = LastClientError()
        var fatalError: KafkaError?
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The most messages taken out of one delivery-report event per call: 1 KiB of pointers,
    /// which Swift keeps on the stack. (Larger, it is a heap block per event, and glibc merges
    /// all its small free chunks before handing out a block that size: measured 7% of the
    /// producing thread's time.)
    private static let reportBatchSize = 128

    init(queue: RdKafkaQueue) {
        self.queue = queue
    }

    /// What `enqueue` reported so far.
    var counts: KafkaDeliveryCounts { state.withLock { $0.counts } }

    /// The latest error text librdkafka raised, preferring connection failures.
    var lastError: String? { state.withLock { $0.lastError.text } }

    /// The fatal error that made the producer unusable, if any.
    var fatalError: KafkaError? { state.withLock { $0.fatalError } }

    /// A value that changes whenever queue room may have appeared; read before producing.
    var currentRoomGeneration: UInt64 { roomGeneration.load(ordering: .acquiring) }

    /// Waits until room may have appeared since `generation` was read.
    func waitForRoom(since generation: UInt64) async {
        await withCheckedContinuation { continuation in
            let changed = state.withLock { state in
                let changed = roomGeneration.load(ordering: .acquiring) != generation
                if !changed { state.roomWaiters.append(continuation) }
                return changed
            }
            if changed { continuation.resume() } else { servePromptly() }
        }
    }

    /// Records handed to `enqueue` so far.
    private let enqueuedCount = Atomic<Int>(0)
    /// `enqueuedCount` when the poll thread last looked; only the poll thread uses it.
    private let enqueuedCountSeen = Atomic<Int>(0)
    /// How often `recordEnqueued` serves the waiting reports on the enqueuing thread: often
    /// enough that freed records are reused while still in cache (peak RSS of the produce
    /// benchmark mostly lower than with 1,024; CPU the same within the noise).
    private static let inlineServingInterval = 64

    /// Notes one record handed to librdkafka by `enqueue`; every `inlineServingInterval`
    /// records, serves the reports already waiting on the caller's thread.
    ///
    /// While records flow, the enqueuing thread frees librdkafka's memory for them on the
    /// thread that allocated it: glibc's per-thread caches make that far cheaper (measured:
    /// 40% less CPU, a third of the memory) than freeing it on the poll thread.
    func recordEnqueued() {
        if enqueuedCount.wrappingAdd(1, ordering: .relaxed).newValue % Self.inlineServingInterval == 0 {
            serveWaitingReports()
        }
    }

    /// Ends the poll thread's pause early: signalled by `servePromptly`.
    private let pauseEnd = DispatchSemaphore(value: 0)
    /// How long the poll thread stays out of the way while records flow.
    ///
    /// Long enough that the usual stalls of an enqueuing loop (a preemption, a wait for its
    /// input) do not hand the reports to the poll thread: its frees then contend with the
    /// loop's allocations for glibc's arena lock (seen in `perf`: hundreds of lock waits per
    /// million records at 2 ms, and the loop slower). Callers that wait on the reports end the
    /// pause at once (`servePromptly`).
    private static let pauseWhileFlowing = DispatchTimeInterval.milliseconds(10)

    /// Serves the main queue once, for at most 100 ms. Runs on the poll thread.
    ///
    /// While `enqueue` is busy it serves the reports itself, so the poll thread pauses; once
    /// records stop flowing, or a caller waits on the reports, it takes over.
    func pollOnce() {
        let count = enqueuedCount.load(ordering: .relaxed)
        if enqueuedCountSeen.exchange(count, ordering: .relaxed) != count {
            _ = pauseEnd.wait(timeout: .now() + Self.pauseWhileFlowing)
            return
        }
        guard let event = rd_kafka_queue_poll(queue.pointer, 100) else { return }
        handle(event)
    }

    /// Makes the poll thread serve reports now rather than after its pause: for callers about
    /// to wait on them (a `send`, a flush, a full queue, a delivery group).
    func servePromptly() {
        pauseEnd.signal()
    }

    /// Makes a `pollOnce` return now (when the producer closes).
    func interruptPoll() {
        pauseEnd.signal()
        rd_kafka_queue_yield(queue.pointer)
    }

    /// Serves the reports already waiting, without blocking, on the caller's thread.
    func serveWaitingReports() {
        while let event = rd_kafka_queue_poll(queue.pointer, 0) {
            handle(event)
        }
    }

    private func handle(_ event: OpaquePointer) {
        switch rd_kafka_event_type(event) {
        case RD_KAFKA_EVENT_DR:
            withUnsafeTemporaryAllocation(of: UnsafePointer<rd_kafka_message_t>?.self, capacity: Self.reportBatchSize) {
                handleDeliveryReports(event, buffer: $0)
            }
        case RD_KAFKA_EVENT_ERROR:
            handleError(event)
        default:
            break
        }
        rd_kafka_event_destroy(event)
        // Destroying the event released its messages' queue slots.
        wakeAllWaiters()
    }

    /// Wakes every task waiting for room: after a batch of reports, or when the producer closes.
    func wakeAllWaiters() {
        roomGeneration.add(1, ordering: .releasing)
        let waiters = state.withLock { state in
            defer { state.roomWaiters.removeAll() }
            return state.roomWaiters
        }
        waiters.forEach { $0.resume() }
    }

    private func handleDeliveryReports(
        _ event: OpaquePointer,
        buffer: UnsafeMutableBufferPointer<UnsafePointer<rd_kafka_message_t>?>
    ) {
        var delivered = 0
        var failures: [KafkaError] = []
        while true {
            let count = rd_kafka_event_message_array(event, buffer.baseAddress, buffer.count)
            if count == 0 { break }
            for message in buffer[..<count] {
                guard let message else { continue }
                if let opaque = message.pointee._private {
                    let target = Unmanaged<AnyObject>.fromOpaque(opaque).takeRetainedValue()
                    if let group = target as? KafkaDeliveryGroup {
                        group.complete(with: message)
                    } else {
                        (target as! DeliveryPromise).complete(with: message)
                    }
                } else if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    delivered += 1
                } else {
                    failures.append(DeliveryPromise.failure(of: message))
                }
            }
        }
        guard delivered > 0 || !failures.isEmpty else { return }
        state.withLock { state in
            state.counts.delivered += delivered
            failures.forEach { state.counts.recordFailure($0) }
        }
    }

    private func handleError(_ event: OpaquePointer) {
        let code = rd_kafka_event_error(event)
        let text = String(cString: rd_kafka_event_error_string(event))
        let isFatal = rd_kafka_event_error_is_fatal(event) != 0
        state.withLock { state in
            state.lastError.record(code, text)
            if isFatal && state.fatalError == nil {
                state.fatalError = KafkaError(
                    code: KafkaError.Code(code),
                    message: "the producer hit a fatal error and must be recreated: \(text)",
                    isFatal: true
                )
            }
        }
    }
}

/// Carries one `send` call's continuation through librdkafka as the record's opaque.
final class DeliveryPromise: Sendable {
    private let continuation: CheckedContinuation<KafkaDeliveryReport, any Error>

    init(_ continuation: CheckedContinuation<KafkaDeliveryReport, any Error>) {
        self.continuation = continuation
    }

    /// Resumes the caller with the record's delivery report.
    func complete(with message: UnsafePointer<rd_kafka_message_t>) {
        guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            continuation.resume(throwing: Self.failure(of: message))
            return
        }
        continuation.resume(returning: KafkaDeliveryReport(
            topic: String(cString: rd_kafka_topic_name(message.pointee.rkt)),
            partition: message.pointee.partition,
            offset: message.pointee.offset
        ))
    }

    /// Resumes the caller with a failure that happened before librdkafka took the record.
    func fail(_ error: KafkaError) {
        continuation.resume(throwing: error)
    }

    /// The error of a failed delivery report, naming topic and partition.
    static func failure(of message: UnsafePointer<rd_kafka_message_t>) -> KafkaError {
        let topic = String(cString: rd_kafka_topic_name(message.pointee.rkt))
        return KafkaError(
            message.pointee.err,
            "delivery to \(topic) partition \(message.pointee.partition) failed"
        )
    }
}
