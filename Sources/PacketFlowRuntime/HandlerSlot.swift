import Synchronization

/// One handler call's claim on a data-flow stage's concurrency, given back exactly once.
///
/// The worker takes the permit before it takes the message, so a busy stage stops taking
/// messages instead of queueing them; the runner gives it back as soon as the handlers are done,
/// before the outputs' acknowledgements arrive, so waiting on the broker never idles a handler.
final class HandlerSlot: Sendable {
    private let permits: AsyncPermits?
    private let released = Mutex(false)

    /// A slot holding one permit of `permits`; `nil` holds nothing (ordered stages).
    init(_ permits: AsyncPermits?) {
        self.permits = permits
    }

    /// Gives the permit back; later calls do nothing.
    func release() {
        let first = released.withLock { released in
            defer { released = true }
            return !released
        }
        if first { permits?.release() }
    }
}
