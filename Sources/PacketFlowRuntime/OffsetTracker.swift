import Dispatch
import PacketFlowKafka
import Synchronization

/// Which input offsets may be committed: per partition, everything below the lowest packet
/// that is still unfinished; and which packets of a partition being revoked are still running.
///
/// The worker calls ``begin(topic:partition:offset:batch:started:)`` when it takes a message
/// (in fetch order, so offsets rise per partition) and ``finish(_:)`` once every output of that
/// message is acknowledged, in any order. ``takeCommitPositions()`` hands out the positions
/// that moved since the last call. An offset at or below one already begun means the group
/// rewound the partition (a redelivery): the partition starts over and tickets of the older
/// generation are ignored, since their messages come again.
///
/// Queued messages (ordered lanes) may start out of offset order: a partition's lanes run
/// beside each other. So a partition is settled only once nothing runs and every message below
/// the highest one started is finished; until then its commit position sits below finished
/// work that a next owner would repeat.
///
/// Revocation: ``revoke(_:fetchedBatches:)`` fences the partitions (messages of batches fetched
/// before it are refused by `begin`; queued ones are refused by ``start(_:onlyGaps:)`` unless
/// they fill a gap below the highest started), ``waitUntilIdle(_:timeout:)`` blocks until the
/// partitions are settled, and ``release(_:)`` hands out the final
/// commit positions and forgets the partitions, so a ticket finishing later commits nothing.
/// The released positions are also kept for ``takeHandoverPositions()``, to commit them once
/// the group is stable again if the group refused them during the rebalance.
/// Thread-safe; the state lives behind a `Mutex`.
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
        /// Where the tracker keeps its partition's state: no lookup by name to finish it.
        let slot: Int
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

    private struct PartitionState {
        var generation = 0
        /// Begun offsets in rising order; `head` is the first still unfinished or unscanned.
        var begun: [Int64] = []
        var head = 0
        var finished: Set<Int64> = []
        var lastBegun: Int64 = -1
        var committable: Int64?
        var dirty = false
        /// Begun and started, not yet finished: what a revocation waits for.
        var running = 0
        /// The highest offset started; queued messages below it are gaps to fill.
        var highestStarted: Int64 = -1
        var revoking = false
        /// The lowest offset given up unfinished (``abandon(_:)``): the commit position never
        /// passes it, so the message is read again.
        var ceiling: Int64?

        mutating func restart() {
            generation += 1
            begun.removeAll(keepingCapacity: true)
            head = 0
            finished.removeAll(keepingCapacity: true)
            lastBegun = -1
            committable = nil
            dirty = false
            running = 0
            highestStarted = -1
            revoking = false
            ceiling = nil
        }

        /// Nothing runs and nothing below the highest started offset is unfinished.
        var isSettled: Bool {
            running == 0 && (head >= begun.count || begun[head] > highestStarted)
        }

        mutating func begin(_ offset: Int64) {
            if offset <= lastBegun { restart() }
            begun.append(offset)
            lastBegun = offset
        }

        mutating func finish(_ offset: Int64) {
            if head < begun.count, begun[head] == offset {
                // In order, the usual case: no set to go through.
                head += 1
            } else {
                finished.insert(offset)
            }
            while head < begun.count, !finished.isEmpty, finished.remove(begun[head]) != nil {
                head += 1
            }
            if head > 0, committable != min(begun[head - 1] + 1, ceiling ?? .max) {
                committable = min(begun[head - 1] + 1, ceiling ?? .max)
                dirty = true
            }
            // Drop the scanned prefix now and then so memory follows the in-flight count.
            if head > 1_024, head * 2 > begun.count {
                begun.removeFirst(head)
                head = 0
            }
        }

        /// Finishes a ticket of this partition in place (a copy of the state would make every
        /// finish copy the offsets): whether the commit position moved, and whether a
        /// revocation's last running packet just finished. Tickets of an older generation
        /// change nothing.
        mutating func finish(_ ticket: Ticket) -> (moved: Bool, nowIdle: Bool) {
            guard ticket.generation == generation else { return (false, false) }
            let before = committable
            finish(ticket.offset)
            running -= 1
            return (committable != before, revoking && isSettled)
        }

        var unfinished: Int { begun.count - head }
    }

    private struct State {
        /// Each partition's slot in `states`; a slot, once given, stays the partition's.
        var slots: [KafkaTopicPartition: Int] = [:]
        var keys: [KafkaTopicPartition] = []
        var states: [PartitionState] = []
        /// Per partition, the last batch fetched before its latest revocation.
        var fences: [KafkaTopicPartition: Int] = [:]
        /// Positions released by revocations since the last hand-over.
        var handover: [KafkaTopicPartition: Int64] = [:]
        /// Partitions being revoked right now.
        var revoking = 0

        /// The slot of `key`, made on first use.
        mutating func slot(_ key: KafkaTopicPartition) -> Int {
            if let slot = slots[key] { return slot }
            slots[key] = states.count
            keys.append(key)
            states.append(PartitionState())
            return states.count - 1
        }

        /// Takes a message of `key` (its slot given), unless fenced; see ``OffsetTracker/begin(topic:partition:offset:batch:started:)``.
        mutating func begin(_ key: KafkaTopicPartition, slot: Int, offset: Int64, batch: Int?, started: Bool) -> Ticket? {
            if let batch, let fence = fences[key], batch <= fence { return nil }
            states[slot].begin(offset)
            if started {
                states[slot].running += 1
                states[slot].highestStarted = offset
            }
            return Ticket(topic: key.topic, partition: key.partition, offset: offset, generation: states[slot].generation, slot: slot)
        }

        /// The state of `key` if it has one.
        func existing(_ key: KafkaTopicPartition) -> PartitionState? {
            slots[key].map { states[$0] }
        }
    }

    private let state = Mutex(State())
    /// Signalled when a revoking partition's last running packet finishes.
    private let idle = DispatchSemaphore(value: 0)

    /// Creates an empty tracker.
    public init() {}

    /// Records that the message at `offset`, from the consumer's `batch`-th fetched batch, is
    /// taken; returns its ticket, or nil when the partition was revoked after that batch was
    /// fetched (the partition's next owner reads the message again: skip it).
    ///
    /// `started: false` queues the message (an ordered lane): call ``start(_:)`` before
    /// handling it. `batch: nil` is never refused.
    public func begin(topic: String, partition: Int32, offset: Int64, batch: Int? = nil, started: Bool = true) -> Ticket? {
        state.withLock { state in
            let key = KafkaTopicPartition(topic: topic, partition: partition)
            return state.begin(key, slot: state.slot(key), offset: offset, batch: batch, started: started)
        }
    }

    /// Takes the messages of `batch` at `indices` (in fetch order) under one lock, as
    /// ``begin(topic:partition:offset:batch:started:)`` with `fetched` as the batch number;
    /// returns the index and ticket of each one not refused.
    public func begin(_ batch: KafkaConsumer.Batch, at indices: Range<Int>, fetched: Int) -> [(index: Int, ticket: Ticket)] {
        var begun: [(index: Int, ticket: Ticket)] = []
        begun.reserveCapacity(indices.count)
        state.withLock { state in
            // A fetched batch holds runs of one partition: look each run's slot up once.
            var last: (key: KafkaTopicPartition, slot: Int)?
            for index in indices {
                let (topic, partition, offset) = batch.position(at: index)
                if last == nil || last!.key.partition != partition || last!.key.topic != topic {
                    let key = KafkaTopicPartition(topic: topic, partition: partition)
                    last = (key, state.slot(key))
                }
                if let ticket = state.begin(last!.key, slot: last!.slot, offset: offset, batch: fetched, started: true) {
                    begun.append((index, ticket))
                }
            }
        }
        return begun
    }

    /// Marks a queued ticket as being handled; false when it is to be skipped (it comes again):
    /// its partition was rewound since, or is being revoked, or `onlyGaps` is set (draining),
    /// and the ticket does not fill a gap below the partition's highest started offset.
    public func start(_ ticket: Ticket, onlyGaps: Bool = false) -> Bool {
        state.withLock { state in
            let partition = state.states[ticket.slot]
            guard partition.generation == ticket.generation else { return false }
            if partition.revoking || onlyGaps, ticket.offset > partition.highestStarted { return false }
            state.states[ticket.slot].running += 1
            state.states[ticket.slot].highestStarted = max(partition.highestStarted, ticket.offset)
            return true
        }
    }

    /// Records that the ticket's message and all its outputs are done.
    ///
    /// Returns true when the partition's commit position moved.
    @discardableResult
    public func finish(_ ticket: Ticket) -> Bool {
        let (moved, nowIdle) = state.withLock { state -> (Bool, Bool) in
            state.states[ticket.slot].finish(ticket)
        }
        if nowIdle { idle.signal() }
        return moved
    }

    /// Gives up the tickets' messages unfinished (a collective member of a partition being
    /// revoked): they no longer hold up the revocation, and the commit position stops below the
    /// lowest of them, so they are read again. Tickets of an older generation change nothing.
    public func abandon(_ tickets: some Sequence<Ticket>) {
        let nowIdle = state.withLock { state -> Bool in
            var nowIdle = false
            for ticket in tickets where ticket.generation == state.states[ticket.slot].generation {
                state.states[ticket.slot].ceiling = min(state.states[ticket.slot].ceiling ?? ticket.offset, ticket.offset)
                if state.states[ticket.slot].finish(ticket).nowIdle { nowIdle = true }
            }
            return nowIdle
        }
        if nowIdle { idle.signal() }
    }

    /// Records that the tickets' messages and all their outputs are done, under one lock.
    public func finish(_ tickets: some Sequence<Ticket>) {
        let nowIdle = state.withLock { state -> Bool in
            var nowIdle = false
            for ticket in tickets where state.states[ticket.slot].finish(ticket).nowIdle {
                nowIdle = true
            }
            return nowIdle
        }
        if nowIdle { idle.signal() }
    }

    /// The commit positions that moved since the last call, sorted by topic and partition.
    public func takeCommitPositions() -> [Position] {
        state.withLock { state in
            var positions: [Position] = []
            for slot in state.states.indices where state.states[slot].dirty {
                state.states[slot].dirty = false
                if let offset = state.states[slot].committable {
                    positions.append(Position(topic: state.keys[slot].topic, partition: state.keys[slot].partition, offset: offset))
                }
            }
            return positions.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        }
    }

    /// Fences `partitions` for a revocation: messages of batches up to `fetchedBatches` are
    /// refused from now on, queued ones are not started.
    public func revoke(_ partitions: [KafkaTopicPartition], fetchedBatches: Int) {
        state.withLock { state in
            for key in partitions {
                state.fences[key] = max(state.fences[key] ?? 0, fetchedBatches)
                if let slot = state.slots[key] { state.states[slot].revoking = true }
            }
            state.revoking += 1
        }
    }

    /// Packets of `partitions` started and not yet finished.
    public func runningCount(_ partitions: [KafkaTopicPartition]) -> Int {
        state.withLock { state in partitions.reduce(0) { $0 + (state.existing($1)?.running ?? 0) } }
    }

    /// Blocks the calling thread until `partitions` are settled (nothing runs, no gap below the
    /// highest started offset), or `timeout` passed; returns whether they are. Call from a
    /// dedicated thread (a rebalance callback), never from the cooperative pool.
    public func waitUntilIdle(_ partitions: [KafkaTopicPartition], timeout: Duration) -> Bool {
        let deadline = DispatchTime.now() + .nanoseconds(Int(timeout / .nanoseconds(1)))
        while !isSettled(partitions) {
            if idle.wait(timeout: deadline) == .timedOut { return isSettled(partitions) }
        }
        return true
    }

    private func isSettled(_ partitions: [KafkaTopicPartition]) -> Bool {
        state.withLock { state in partitions.allSatisfy { state.existing($0)?.isSettled ?? true } }
    }

    /// The commit positions of `partitions` now (every finished prefix, moved or not), which
    /// stay tracked.
    public func positions(of partitions: [KafkaTopicPartition]) -> [Position] {
        state.withLock { state in
            partitions.compactMap { key in
                state.existing(key)?.committable.map { Position(topic: key.topic, partition: key.partition, offset: $0) }
            }
        }
    }

    /// The commit positions of `partitions` (every finished prefix, moved or not), after which
    /// they are forgotten: their tickets finish without effect and a later assignment starts
    /// over. Sorted by topic and partition.
    ///
    /// The positions are also kept for the hand-over, lost partitions' too: the consumer commits
    /// them at the next assignment only where they are ahead of the group's committed offsets
    /// (`KafkaConsumer`), so a stale one never moves the group back.
    public func release(_ partitions: [KafkaTopicPartition]) -> [Position] {
        state.withLock { state in
            var positions: [Position] = []
            for key in partitions {
                guard let slot = state.slots[key] else { continue }
                if let offset = state.states[slot].committable {
                    positions.append(Position(topic: key.topic, partition: key.partition, offset: offset))
                    state.handover[key] = max(state.handover[key] ?? offset, offset)
                }
                state.states[slot].restart()
            }
            state.revoking = max(0, state.revoking - 1)
            return positions.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        }
    }

    /// Every position this worker could commit: each tracked partition's finished prefix and
    /// what revocations released and no hand-over committed yet. What a leaving worker hands over.
    public func finishedPositions() -> [Position] {
        state.withLock { state in
            var positions = state.handover
            for slot in state.states.indices {
                guard let offset = state.states[slot].committable else { continue }
                positions[state.keys[slot]] = max(positions[state.keys[slot]] ?? offset, offset)
            }
            return positions.map { Position(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
                .sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        }
    }

    /// The positions released by revocations since the last call, then forgotten.
    ///
    /// Commit them before the next assignment is applied: a group that was already rebalancing
    /// refuses a revocation's commit, and the partitions' next owners must not repeat what
    /// this worker finished.
    public func takeHandoverPositions() -> [Position] {
        state.withLock { state in
            defer { state.handover.removeAll() }
            return state.handover.map { Position(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
                .sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        }
    }

    /// Messages begun and not yet finished, over all partitions.
    public var unfinishedCount: Int {
        state.withLock { $0.states.reduce(0) { $0 + $1.unfinished } }
    }
}
