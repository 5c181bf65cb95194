import Synchronization

/// The first failure that stops a worker, from wherever it happened: a handler task, a
/// delivery report on the producer's thread, a background flush.
///
/// Recording a failure fires the worker's drain signal, so the worker stops taking input at
/// once; the worker then commits what is finished and throws the recorded error. Later
/// failures are consequences of the first and are only counted. Thread-safe.
final class WorkerFailure: Sendable {
    private let drain: DrainSignal
    private let state = Mutex<(first: (any Error)?, later: Int)>((nil, 0))

    /// A failure that fires `drain` when recorded.
    init(firing drain: DrainSignal) {
        self.drain = drain
    }

    /// Keeps `error` if it is the first, and fires the drain signal.
    func record(_ error: any Error) {
        state.withLock { state in
            if state.first == nil { state.first = error } else { state.later += 1 }
        }
        drain.fire()
    }

    /// The first failure recorded, if any.
    var error: (any Error)? { state.withLock { $0.first } }

    /// Whether a failure was recorded: work in progress should end without effects.
    var hasFailed: Bool { error != nil }
}
