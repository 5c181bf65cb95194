import Synchronization

/// Counts events handed to the producer and not yet acknowledged, refusing more than a limit.
///
/// A request takes room for all its events at once or none (``tryAcquire(_:)``), so a request
/// is either published whole or answered 429 at once; it gives the room back when its
/// acknowledgements (or failures) are in. Thread-safe; never suspends.
public final class InFlightLimit: Sendable {
    /// The most events outstanding at once.
    public let limit: Int
    private let outstanding = Mutex(0)

    /// A limit of `limit` events (at least 1).
    public init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Takes room for `count` events; false, taking nothing, when that would pass the limit.
    /// (A request with more events than the whole limit is refused before it gets here.)
    public func tryAcquire(_ count: Int) -> Bool {
        outstanding.withLock { current in
            guard current + count <= limit else { return false }
            current += count
            return true
        }
    }

    /// Gives back room taken by ``tryAcquire(_:)``.
    public func release(_ count: Int) {
        outstanding.withLock { $0 -= count }
    }

    /// Events outstanding now.
    public var current: Int { outstanding.withLock { $0 } }
}
