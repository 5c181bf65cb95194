import Synchronization

/// A one-shot answer to one exec request: filled once, awaited once.
///
/// The answer may come before anyone waits (a fast program), or the wait may be cancelled
/// before any answer; both orders are handled under the lock. Thread-safe.
final class ResponseSlot: Sendable {
    private struct State {
        var result: Result<[[UInt8]], any Error>?
        var waiter: CheckedContinuation<[[UInt8]], any Error>?
    }

    private let state = Mutex(State())

    /// Fills the slot; later fills are ignored.
    func fill(_ result: Result<[[UInt8]], any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<[[UInt8]], any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    /// The answer, once filled; throws `CancellationError` if the task is cancelled first.
    func value() async throws -> [[UInt8]] {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<[[UInt8]], any Error>? in
                    if let result = state.result { return result }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            fill(.failure(CancellationError()))
        }
    }
}
