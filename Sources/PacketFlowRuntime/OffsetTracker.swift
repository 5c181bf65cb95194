import Synchronization

/// Which input offsets may be committed: per partition, everything below the lowest packet
/// that is still unfinished.
///
/// The worker calls ``begin(topic:partition:offset:)`` when it takes a message (in fetch
/// order, so offsets rise per partition) and ``finish(_:)`` once every output of that message
/// is acknowledged, in any order. ``takeCommitPositions()`` hands out the positions that moved
/// since the last call. An offset at or below one already begun means the group rewound the
/// partition (a rebalance, a redelivery): the partition starts over and tickets of the older
/// generation are ignored, since their messages come again. Thread-safe; the state lives
/// behind a `Mutex`.
public final class OffsetTracker: Sendable {
    /// A begun message: finish it exactly once.
    public struct Ticket: Sendable, Hashable {
        /// The message's topic.
        public var topic: String
        /// Its partition.
        public var partition: Int32
        /// Its offset.
        public var offset: Int64
        let generation: Int
    }

    /// A partition's next offset to commit: every message below it is finished.
    public struct Position: Sendable, Hashable {
        /// The topic.
        public var topic: String
        /// The partition.
        public var partition: Int32
        /// The commit position: the offset of the next message to read after a restart.
        public var offset: Int64

        /// Creates a position.
        public init(topic: String, partition: Int32, offset: Int64) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
        }
    }

    private struct PartitionKey: Hashable {
        var topic: String
        var partition: Int32
    }

    private struct PartitionState {
        var generation = 0
        /// Begun offsets in rising order; `head` is the first still unfinished or unscanned.
        var begun: [Int64] = []
        var head = 0
        var finished: Set<Int64> = []
        var lastBegun: Int64 = -1
        var committable: Int64?
        var dirty = false

        mutating func restart() {
            generation += 1
            begun.removeAll(keepingCapacity: true)
            head = 0
            finished.removeAll(keepingCapacity: true)
            lastBegun = -1
            committable = nil
            dirty = false
        }

        mutating func begin(_ offset: Int64) {
            if offset <= lastBegun { restart() }
            begun.append(offset)
            lastBegun = offset
        }

        mutating func finish(_ offset: Int64) {
            finished.insert(offset)
            while head < begun.count, finished.remove(begun[head]) != nil {
                committable = begun[head] + 1
                dirty = true
                head += 1
            }
            // Drop the scanned prefix now and then so memory follows the in-flight count.
            if head > 1_024, head * 2 > begun.count {
                begun.removeFirst(head)
                head = 0
            }
        }

        var unfinished: Int { begun.count - head }
    }

    private let state = Mutex<[PartitionKey: PartitionState]>([:])

    /// Creates an empty tracker.
    public init() {}

    /// Records that the message at `offset` is being processed; returns its ticket.
    public func begin(topic: String, partition: Int32, offset: Int64) -> Ticket {
        state.withLock { partitions in
            let key = PartitionKey(topic: topic, partition: partition)
            partitions[key, default: PartitionState()].begin(offset)
            return Ticket(topic: topic, partition: partition, offset: offset, generation: partitions[key]!.generation)
        }
    }

    /// Records that the ticket's message and all its outputs are done.
    ///
    /// Returns true when the partition's commit position moved.
    @discardableResult
    public func finish(_ ticket: Ticket) -> Bool {
        state.withLock { partitions in
            let key = PartitionKey(topic: ticket.topic, partition: ticket.partition)
            guard let generation = partitions[key]?.generation, generation == ticket.generation else { return false }
            let before = partitions[key]!.committable
            partitions[key]!.finish(ticket.offset)
            return partitions[key]!.committable != before
        }
    }

    /// The commit positions that moved since the last call, sorted by topic and partition.
    public func takeCommitPositions() -> [Position] {
        state.withLock { partitions in
            var positions: [Position] = []
            for key in Array(partitions.keys) where partitions[key]!.dirty {
                partitions[key]!.dirty = false
                if let offset = partitions[key]!.committable {
                    positions.append(Position(topic: key.topic, partition: key.partition, offset: offset))
                }
            }
            return positions.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        }
    }

    /// Messages begun and not yet finished, over all partitions.
    public var unfinishedCount: Int {
        state.withLock { $0.values.reduce(0) { $0 + $1.unfinished } }
    }
}
