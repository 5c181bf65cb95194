import Foundation
import Synchronization

/// A dedicated OS thread that repeats one blocking librdkafka poll until asked to stop.
///
/// librdkafka's polls block for up to their timeout, so they run here and never on the
/// Swift cooperative pool. `iteration` must return within a bounded time (its poll timeout);
/// `interrupt` cuts a poll short (`rd_kafka_queue_yield`) so that `stop` takes effect at once
/// instead of after the poll's timeout.
final class PollingThread: Sendable {
    private let stopRequested = Atomic<Bool>(false)
    private let exit = Mutex<ExitState>(ExitState())
    private let interrupt: @Sendable () -> Void

    private struct ExitState {
        var exited = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Starts the thread, which calls `iteration` until `stop()`; `stop()` also calls `interrupt`.
    init(name: String, interrupt: @escaping @Sendable () -> Void, iteration: @escaping @Sendable () -> Void) {
        self.interrupt = interrupt
        let thread = Thread { [self] in
            while !stopRequested.load(ordering: .acquiring) {
                iteration()
            }
            let waiters = exit.withLock { state in
                state.exited = true
                return state.waiters
            }
            waiters.forEach { $0.resume() }
        }
        thread.name = name
        thread.start()
    }

    /// Whether `stop()` was called.
    var isStopping: Bool { stopRequested.load(ordering: .acquiring) }

    /// Asks the thread to finish, cutting its current poll short.
    func stop() {
        stopRequested.store(true, ordering: .releasing)
        interrupt()
    }

    /// Returns once the thread has finished its last iteration.
    func waitUntilExited() async {
        await withCheckedContinuation { continuation in
            let alreadyExited = exit.withLock { state in
                if !state.exited { state.waiters.append(continuation) }
                return state.exited
            }
            if alreadyExited { continuation.resume() }
        }
    }
}
