import CRdKafka
import Synchronization

/// The records of one unit of work, enqueued without waiting and acknowledged as a whole:
/// pass the group to `KafkaProducer.enqueue` or `tryEnqueue`, then ``waitForDelivery(timeout:)``,
/// or hand it a completion with ``onDelivery(_:)`` and go on without waiting at all.
///
/// What a stream processor needs to commit an input only after its outputs are stored, while
/// it goes on with the next inputs: unlike `flush`, waiting for one group does not wait for
/// records enqueued after it, so producing never stops for an acknowledgement. Each record
/// holds the group until its delivery report is served. Thread-safe.
public final class KafkaDeliveryGroup: Sendable {
    private struct State {
        var outstanding = 0
        var sealed = false
        var expired = false
        var failed = 0
        var firstFailure: KafkaError?
        var waiter: CheckedContinuation<Void, Never>?
        var completion: (@Sendable (KafkaError?) -> Void)?
        /// The producer's report handler, told when someone starts waiting.
        var reports: ProducerEventHandler?

        var isDone: Bool { sealed && (outstanding == 0 || expired) }
    }

    private let state = Mutex(State())

    /// Creates an empty group.
    public init() {}

    /// Waits until every record enqueued with the group has a delivery outcome, for at most
    /// `timeout`; enqueue no more records with it once called.
    ///
    /// Throws `KafkaError` for the first record the cluster refused (naming how many were),
    /// or with code `timedOut` naming how many are still outstanding after `timeout`.
    public func waitForDelivery(timeout: Duration) async throws(KafkaError) {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitUntilDone() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.expire()
            }
            await group.next()
            group.cancelAll()
        }
        let outcome = state.withLock { ($0.outstanding, $0.failed, $0.firstFailure) }
        if let failure = outcome.2 {
            throw KafkaError(code: failure.code, message: "\(outcome.1) records not delivered, first: \(failure.message)")
        }
        if outcome.0 > 0 {
            throw KafkaError(code: .timedOut, message: "\(outcome.0) records still undelivered after \(timeout)")
        }
    }

    /// Calls `completion` once every record enqueued with the group has a delivery outcome;
    /// enqueue no more records with it once called.
    ///
    /// `completion` gets nil when every record was stored, else the first failure (naming how
    /// many failed). It runs on the thread that serves the last report (the producer's poll
    /// thread or an enqueuing thread), or on the caller's at once when nothing is outstanding:
    /// keep it short and never block in it. There is no timeout: librdkafka reports every
    /// record within `message.timeout.ms`, or when the producer closes.
    public func onDelivery(_ completion: @escaping @Sendable (KafkaError?) -> Void) {
        let doneNow = state.withLock { state -> Bool in
            state.sealed = true
            if state.isDone { return true }
            state.completion = completion
            return false
        }
        if doneNow { completion(outcome) }
    }

    /// The first failure, naming how many records failed; nil when none did.
    private var outcome: KafkaError? {
        state.withLock { state in
            state.firstFailure.map { KafkaError(code: $0.code, message: "\(state.failed) records not delivered, first: \($0.message)") }
        }
    }

    private func waitUntilDone() async {
        await withCheckedContinuation { continuation in
            let (done, reports) = state.withLock { state in
                state.sealed = true
                if !state.isDone { state.waiter = continuation }
                return (state.isDone, state.reports)
            }
            // The producer serves its reports at once rather than after its pause while records flow.
            if done { continuation.resume() } else { reports?.servePromptly() }
        }
    }

    private func expire() {
        state.withLock { state in
            state.expired = true
            return state.isDone ? state.waiter.take() : nil
        }?.resume()
    }

    /// Counts a record about to be handed to librdkafka (before it could report) by the
    /// producer whose reports `reports` serves.
    func recordEnqueuing(reportedBy reports: ProducerEventHandler) {
        state.withLock { state in
            state.outstanding += 1
            if state.reports == nil { state.reports = reports }
        }
    }

    /// Takes back `recordEnqueuing` for a record librdkafka did not take.
    func recordNotEnqueued() {
        complete(failure: nil)
    }

    /// Counts the delivery report of one of the group's records.
    func complete(with message: UnsafePointer<rd_kafka_message_t>) {
        complete(failure: message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : DeliveryPromise.failure(of: message))
    }

    private func complete(failure: KafkaError?) {
        let (waiter, completion) = state.withLock { state in
            state.outstanding -= 1
            if let failure {
                state.failed += 1
                if state.firstFailure == nil { state.firstFailure = failure }
            }
            return state.isDone ? (state.waiter.take(), state.completion.take()) : (nil, nil)
        }
        waiter?.resume()
        if let completion { completion(outcome) }
    }
}
