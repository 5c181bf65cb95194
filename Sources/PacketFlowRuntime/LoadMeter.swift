import Synchronization

/// What a worker counts of its own load between two ``WorkerLoadReport``s: inputs handled,
/// records sent, and busy time, the wall-clock time during which at least one handler call ran.
///
/// Busy time as a union, not a sum over concurrent calls: a worker whose exec program answers
/// one request at a time is busy while any request waits on it, whatever the stage's
/// concurrency. (A handler that truly runs calls side by side is then under-rated while it is
/// not saturated, never over-rated.) The hot paths call ``begin()`` and ``end(handled:)``
/// around each handling; the reporter takes the figures and starts a new interval. Thread-safe.
final class LoadMeter: Sendable {
    struct Figures: Sendable, Equatable {
        var packetsIn = 0
        var packetsOut = 0
        var busy = Duration.zero
    }

    private struct State {
        var figures = Figures()
        var running = 0
        var busySince: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    /// A handling starts.
    func begin() {
        let now = ContinuousClock.now
        state.withLock { state in
            if state.running == 0 { state.busySince = now }
            state.running += 1
        }
    }

    /// A handling of `inputs` inputs ended.
    func end(handled inputs: Int) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.figures.packetsIn += inputs
            state.running -= 1
            if state.running == 0, let since = state.busySince {
                state.figures.busy += now - since
                state.busySince = nil
            }
        }
    }

    /// Counts records sent (outputs and dead letters).
    func recordSent(_ records: Int) {
        state.withLock { $0.figures.packetsOut += records }
    }

    /// The figures since the last call (a handling still running counts up to now); the
    /// counts start again from zero.
    func take() -> Figures {
        let now = ContinuousClock.now
        return state.withLock { state in
            if let since = state.busySince {
                state.figures.busy += now - since
                state.busySince = now
            }
            defer { state.figures = Figures() }
            return state.figures
        }
    }
}
