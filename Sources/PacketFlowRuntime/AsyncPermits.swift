import Synchronization

/// A counting semaphore for tasks: at most `limit` holders at once, others wait in line.
///
/// Bounds the worker's in-flight packets and the handler calls of a data-flow stage without
/// blocking threads. Waiters are resumed in arrival order. Waiting does not react to
/// cancellation: the worker only cancels after its in-flight work has finished.
final class AsyncPermits: Sendable {
    private struct State {
        let limit: Int
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
        var firstWaiter = 0
    }

    private let state: Mutex<State>

    /// Creates permits for `limit` holders (at least 1).
    init(limit: Int) {
        state = Mutex(State(limit: max(1, limit), available: max(1, limit)))
    }

    /// Permits taken and not yet given back.
    var held: Int { state.withLock { $0.limit - $0.available } }

    /// Takes a permit, waiting for one to be released when none is free.
    func acquire() async {
        let granted = state.withLock { state -> Bool in
            guard state.available > 0 else { return false }
            state.available -= 1
            return true
        }
        if granted { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Returns a permit, handing it straight to the longest waiter if there is one.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.firstWaiter < state.waiters.count else {
                state.available += 1
                return nil
            }
            let waiter = state.waiters[state.firstWaiter]
            state.firstWaiter += 1
            if state.firstWaiter == state.waiters.count {
                state.waiters.removeAll(keepingCapacity: true)
                state.firstWaiter = 0
            }
            return waiter
        }
        next?.resume()
    }
}
