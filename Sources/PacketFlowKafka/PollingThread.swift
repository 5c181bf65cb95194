import Foundation
import Synchronization

/// A dedicated OS thread that repeats one blocking librdkafka poll until asked to stop.
///
/// librdkafka's polls block for up to their timeout, so they run here and never on the
/// Swift cooperative pool. `iteration` must return within a bounded time (its poll timeout)
/// so that `stop` takes effect promptly.
final class PollingThread: Sendable {
    private let stopRequested = Atomic<Bool>(false)
    private let exit = Mutex<ExitState>(ExitState())

    private struct ExitState {
        var exited = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Starts the thread, which calls `iteration` until `stop()`.
    init(name: String, iteration: @escaping @Sendable () -> Void) {
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

    /// Asks the thread to finish after its current iteration.
    func stop() {
        stopRequested.store(true, ordering: .releasing)
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
