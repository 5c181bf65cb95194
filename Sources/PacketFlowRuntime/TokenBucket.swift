import Synchronization

/// A token-bucket budget: `rate` tokens a second, at most `burst` saved up.
///
/// Resource-management handlers take tokens before they spend what the budget guards (calls to
/// a rate-limited API, allocations). ``tryAcquire(_:)`` answers at once; ``acquire(_:)`` waits
/// until the tokens are there. Thread-safe: one bucket serves all handler calls of a worker.
public final class TokenBucket: Sendable {
    /// The bucket's arithmetic without clocks, so it can be tested with chosen times.
    public struct State: Sendable, Hashable {
        /// Tokens added per second.
        public var rate: Double
        /// Most tokens the bucket holds.
        public var burst: Double
        /// Tokens held at ``lastRefill``.
        public var tokens: Double
        /// The time of the last refill, in seconds on any monotonic clock.
        public var lastRefill: Double

        /// A full bucket at time `now`.
        public init(rate: Double, burst: Double, now: Double) {
            self.rate = rate
            self.burst = burst
            self.tokens = burst
            self.lastRefill = now
        }

        /// Takes `count` tokens at `now` if they are there; otherwise returns how many seconds
        /// to wait before they will be, taking nothing.
        public mutating func take(_ count: Double, now: Double) -> Double? {
            tokens = min(burst, tokens + max(0, now - lastRefill) * rate)
            lastRefill = max(lastRefill, now)
            if tokens >= count {
                tokens -= count
                return nil
            }
            return (count - tokens) / rate
        }
    }

    private let state: Mutex<State>
    private let start = ContinuousClock.now

    /// A full bucket refilled at `rate` tokens a second, holding at most `burst`.
    ///
    /// `rate` must be positive; `burst` defaults to one second's worth.
    public init(rate: Double, burst: Double? = nil) {
        let rate = max(rate, .leastNonzeroMagnitude)
        state = Mutex(State(rate: rate, burst: burst ?? rate, now: 0))
    }

    /// Takes `count` tokens if the bucket holds them; returns false (taking none) otherwise.
    public func tryAcquire(_ count: Double = 1) -> Bool {
        let now = seconds()
        return state.withLock { $0.take(count, now: now) } == nil
    }

    /// Takes `count` tokens, waiting until the bucket holds them.
    ///
    /// Throws `CancellationError` when the task is cancelled while waiting (a stage timeout).
    /// Asking for more than `burst` at once never succeeds; such calls wait forever.
    public func acquire(_ count: Double = 1) async throws {
        while true {
            let now = seconds()
            guard let wait = state.withLock({ $0.take(count, now: now) }) else { return }
            try await Task.sleep(for: .seconds(wait))
        }
    }

    private func seconds() -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
