import Synchronization

/// The answers to one submission of requests to an exec program: filled one by one as the
/// program answers (in any order), awaited once for all.
///
/// Answers may arrive before anyone waits (a fast program), and a wait may be cancelled before
/// the last answer; both orders are handled under the lock. Thread-safe.
final class ExecCall: Sendable {
    typealias Answer = Result<[[UInt8]], any Error>

    private struct State {
        var answers: [Answer?]
        var missing: Int
        var waiter: CheckedContinuation<[Answer], Never>?
    }

    private let state: Mutex<State>
    /// How long the requests may wait for their answers.
    let timeout: Duration
    /// When the requests count as unanswered (the program is then killed: it may be stuck).
    let deadline: ContinuousClock.Instant

    /// A call of `count` requests, to be answered within `timeout` from now.
    init(count: Int, timeout: Duration) {
        state = Mutex(State(answers: Array(repeating: nil, count: count), missing: count))
        self.timeout = timeout
        self.deadline = .now + timeout
    }

    /// Fills the answer of request `index`; later fills of it are ignored.
    func fill(_ index: Int, _ answer: Answer) {
        let waiter = state.withLock { state -> CheckedContinuation<[Answer], Never>? in
            guard state.answers[index] == nil else { return nil }
            state.answers[index] = answer
            state.missing -= 1
            return state.missing == 0 ? state.waiter.take() : nil
        }
        waiter?.resume(returning: finished)
    }

    /// Whether every request has its answer.
    var isComplete: Bool { state.withLock { $0.missing == 0 } }

    /// The answers in request order, once all are in; a cancelled wait fills the missing ones
    /// with `CancellationError`.
    func answers() async -> [Answer] {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if state.missing == 0 { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume(returning: finished) }
            }
        } onCancel: {
            let count = state.withLock { $0.answers.count }
            for index in 0..<count { fill(index, .failure(CancellationError())) }
        }
    }

    private var finished: [Answer] {
        state.withLock { state in state.answers.map { $0 ?? .failure(CancellationError()) } }
    }
}
