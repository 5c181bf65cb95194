import Dispatch
import Synchronization

/// The bounded hand-over between a consumer's poll thread and the tasks reading its records.
///
/// The poll thread `push`es batches and, while `isFull`, waits in `waitForRoom` instead of
/// fetching more: that is the back-pressure. Readers take whole batches with `next()`,
/// suspending while the buffer is empty. `finish()` ends the stream once the buffer is drained.
/// Generic over the batch so the state machine is tested without librdkafka.
final class ConsumerBuffer<Batch: Sendable>: Sendable {
    private let limit: Int
    private let state: Mutex<State>
    /// Signalled when a reader makes room in a full buffer, or on finish.
    private let room = DispatchSemaphore(value: 0)

    private struct State {
        var batches: [(batch: Batch, count: Int)] = []
        var bufferedCount = 0
        var readers: [(id: UInt64, continuation: CheckedContinuation<Batch?, Never>)] = []
        var nextReaderID: UInt64 = 0
        var finished = false
    }

    /// A buffer holding at most about `limit` records (one batch may overshoot it).
    init(limit: Int) {
        self.limit = max(1, limit)
        self.state = Mutex(State())
    }

    /// Whether the poll thread should wait before fetching more.
    var isFull: Bool { state.withLock { $0.bufferedCount >= limit } }

    /// How many records wait for a reader.
    var bufferedCount: Int { state.withLock { $0.bufferedCount } }

    /// Hands `batch` of `count` records to a waiting reader, or buffers it. Called by the poll thread.
    func push(_ batch: Batch, count: Int) {
        let reader: CheckedContinuation<Batch?, Never>? = state.withLock { state in
            if !state.readers.isEmpty {
                return state.readers.removeFirst().continuation
            }
            state.batches.append((batch, count))
            state.bufferedCount += count
            return nil
        }
        reader?.resume(returning: batch)
    }

    /// Blocks the poll thread until a reader made room or `timeout` passed.
    func waitForRoom(timeout: Duration) {
        _ = room.wait(timeout: .now() + .milliseconds(timeout.milliseconds))
    }

    /// The next batch, suspending while none is buffered; `nil` once finished and drained.
    ///
    /// A cancelled reader gets `nil`.
    func next() async -> Batch? {
        // Fast path: a buffered batch is taken without suspending the task, so the reader
        // stays on its thread (and its memory in that thread's caches).
        let (ready, id): (Batch??, UInt64) = state.withLock { state in
            if let batch = take(from: &state) { return (.some(batch), 0) }
            if state.finished { return (.some(nil), 0) }
            defer { state.nextReaderID += 1 }
            return (.none, state.nextReaderID)
        }
        if let ready { return ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let outcome: Batch?? = state.withLock { state in
                    if let batch = take(from: &state) { return .some(batch) }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.readers.append((id, continuation))
                    return .none
                }
                if let outcome { continuation.resume(returning: outcome) }
            }
        } onCancel: {
            let reader = state.withLock { state in
                state.readers.firstIndex { $0.id == id }.map { state.readers.remove(at: $0).continuation }
            }
            reader?.resume(returning: nil)
        }
    }

    /// Removes the oldest buffered batch, signalling the poll thread if that made room.
    private func take(from state: inout State) -> Batch? {
        guard !state.batches.isEmpty else { return nil }
        let (batch, count) = state.batches.removeFirst()
        let wasFull = state.bufferedCount >= limit
        state.bufferedCount -= count
        if wasFull && state.bufferedCount < limit { room.signal() }
        return batch
    }

    /// Ends the stream: waiting readers get `nil`, later readers get what is left, then `nil`.
    func finish() {
        let readers = state.withLock { state in
            state.finished = true
            defer { state.readers.removeAll() }
            return state.readers
        }
        readers.forEach { $0.continuation.resume(returning: nil) }
        room.signal()
    }
}
