import Synchronization

/// A bounded in-memory cache for resource-management handlers, shared by a worker's calls.
///
/// Keys are strings, values bytes. When full, the least recently written entry goes first.
/// Local to one worker process: workers of one stage do not see each other's entries (use a
/// state store through a metallic bond for shared state). Thread-safe.
public final class ResourceCache: Sendable {
    private struct State {
        var values: [String: (value: [UInt8], stamp: UInt64)] = [:]
        var order: [(key: String, stamp: UInt64)] = []
        var head = 0
        var clock: UInt64 = 0
    }

    /// Most entries kept.
    public let capacity: Int
    private let state = Mutex(State())

    /// A cache of at most `capacity` entries. Default: 10,000.
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// The value stored for `key`.
    public func get(_ key: String) -> [UInt8]? {
        state.withLock { $0.values[key]?.value }
    }

    /// Stores `value` for `key`, evicting the oldest entries beyond ``capacity``.
    public func put(_ key: String, _ value: [UInt8]) {
        state.withLock { state in
            state.clock += 1
            state.values[key] = (value, state.clock)
            state.order.append((key, state.clock))
            while state.values.count > capacity, state.head < state.order.count {
                let oldest = state.order[state.head]
                state.head += 1
                // Entries rewritten since are newer than their old order slot: skip the slot.
                if state.values[oldest.key]?.stamp == oldest.stamp { state.values[oldest.key] = nil }
            }
            if state.order.count - state.head > 4 * capacity {
                let live = state.order[state.head...].filter { state.values[$0.key]?.stamp == $0.stamp }
                state.order = Array(live)
                state.head = 0
            } else if state.head > capacity {
                state.order.removeFirst(state.head)
                state.head = 0
            }
        }
    }

    /// Removes `key`.
    public func remove(_ key: String) {
        state.withLock { _ = $0.values.removeValue(forKey: key) }
    }

    /// Entries held now.
    public var count: Int { state.withLock { $0.values.count } }
}
