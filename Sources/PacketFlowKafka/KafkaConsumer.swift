import CRdKafka
import Logging

/// Reads records as a member of a consumer group.
///
/// A dedicated poll thread fetches batches from librdkafka into a bounded buffer
/// (`bufferedMessageLimit`); `messages` and `batches` read from it, decoding each batch into
/// Swift values on the reader's thread, and when nobody reads, the thread stops fetching; if
/// the buffer stays full for 200 ms it pauses the assignment and keeps polling, so rebalances
/// are still answered at once. Offsets are stored explicitly (`storeOffset(of:)`) and
/// committed automatically every `autoCommitInterval` or with `commit()`; `onRevoke` and
/// `onAssign` commit from inside a rebalance. All methods are thread-safe. Call `close()` to
/// leave the group cleanly.
public final class KafkaConsumer: Sendable {
    /// Partitions assigned to and revoked from this consumer, in order; ends on `close()`.
    ///
    /// Unbounded: rebalances are rare, but read it or ignore it, do not let it pile up for days.
    public let rebalanceEvents: AsyncStream<KafkaRebalanceEvent>

    private let client: RdKafkaClient
    let buffer: ConsumerBuffer<ConsumedBatch>
    private let callbacks: ConsumerCallbacks
    private let pollThread: PollingThread
    private let groupID: String

    /// Decides, while revoked partitions are still assigned, which offsets to commit for them.
    ///
    /// Called synchronously inside librdkafka's rebalance callback, on the consumer's poll
    /// thread (or the thread running `close()`), never on the Swift cooperative pool, so it may
    /// block briefly, e.g. to let records in flight finish; the whole group waits meanwhile.
    /// Returns commit positions (the offset of the next record to read) per partition; the
    /// consumer commits them synchronously before applying the revocation. Return no entry for
    /// a partition to leave its committed offset as it is.
    public typealias RevocationHandler = @Sendable (KafkaRebalanceEvent.Revocation) -> [KafkaTopicPartition: Int64]

    /// Decides, before a new assignment is applied, which offsets to commit: typically those a
    /// revocation could not commit because the group was already rebalancing.
    ///
    /// Called synchronously inside librdkafka's rebalance callback with the partitions about
    /// to be assigned, on the same threads as ``RevocationHandler``. Returns commit positions
    /// for any partitions (not only the assigned ones); the consumer commits them before it
    /// starts fetching.
    public typealias AssignmentHandler = @Sendable ([KafkaTopicPartition]) -> [KafkaTopicPartition: Int64]

    /// Creates the consumer and starts its poll thread; it joins the group on `subscribe`.
    ///
    /// `onRevoke`, when given, runs before every revocation (see ``RevocationHandler``): a
    /// rebalance, a member leaving, `close()`. `onAssign` runs before every assignment (see
    /// ``AssignmentHandler``); then the consumer waits `handoverDelay` before fetching, so the
    /// commits other members make at the same moment land before it reads where to start
    /// (default: no wait). Throws `KafkaError` naming a property librdkafka rejects.
    public init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger = Logger(label: "packetflow.kafka.consumer"),
        onRevoke: RevocationHandler? = nil,
        onAssign: AssignmentHandler? = nil,
        handoverDelay: Duration = .zero
    ) throws {
        let (rebalanceEvents, continuation) = AsyncStream<KafkaRebalanceEvent>.makeStream()
        let callbacks = ConsumerCallbacks(
            rebalanceContinuation: continuation, revocationHandler: onRevoke, assignmentHandler: onAssign,
            handoverDelay: handoverDelay, groupID: configuration.groupID, logger: logger)
        let client = try RdKafkaClient.make(
            type: RD_KAFKA_CONSUMER,
            properties: configuration.librdkafkaProperties,
            callbackTarget: callbacks,
            configure: ConsumerCallbacks.install(on:)
        )
        // Route errors and rebalances through the consumer queue the poll thread serves.
        rd_kafka_poll_set_consumer(client.pointer)
        let queue = RdKafkaQueue.makeConsumer(of: client)
        let buffer = ConsumerBuffer<ConsumedBatch>(limit: configuration.bufferedMessageLimit)
        let batchSize = max(1, configuration.pollBatchSize)
        let fillsBatches = configuration.fillsBatches
        let stall = StallControl()
        self.rebalanceEvents = rebalanceEvents
        self.client = client
        self.buffer = buffer
        self.callbacks = callbacks
        self.groupID = configuration.groupID
        self.pollThread = PollingThread(name: "kafka-consumer-poll", interrupt: { rd_kafka_queue_yield(queue.pointer) }) {
            Self.pollOnce(
                client: client, queue: queue, buffer: buffer, callbacks: callbacks, batchSize: batchSize,
                fillsBatches: fillsBatches, stall: stall)
        }
    }

    deinit {
        pollThread.stop()
        buffer.finish()
    }

    /// Joins the group for `topics`; partitions arrive through a rebalance a few seconds later.
    ///
    /// Replaces any earlier subscription. Throws `KafkaError` if librdkafka refuses it.
    public func subscribe(topics: [String]) throws {
        let list = RdKafkaTopicPartitionList.make(topics: topics)
        try KafkaError.check(
            rd_kafka_subscribe(client.pointer, list.pointer),
            "cannot subscribe group \(groupID) to \(topics.joined(separator: ", "))"
        )
    }

    /// Marks `message` processed: the next commit covers it (stores its offset + 1).
    public func storeOffset(of message: KafkaMessage) throws {
        try storeOffsets(of: [message])
    }

    /// Marks every record in `messages` processed, storing the highest offset per partition.
    public func storeOffsets(of messages: some Sequence<KafkaMessage>) throws {
        try store(positions: Self.commitPositions(messages.lazy.map { ($0.topic, $0.partition, $0.offset) }))
    }

    /// Stores commit positions (the offset of the next record to read, per partition) for the
    /// next commit, automatic or `commit()`.
    ///
    /// Throws `KafkaError` for a partition that is no longer assigned (its next owner starts
    /// from what was committed before).
    public func store(positions: [KafkaTopicPartition: Int64]) throws {
        guard !positions.isEmpty else { return }
        let list = RdKafkaTopicPartitionList.make(Array(positions.keys), offsets: Array(positions.values))
        try KafkaError.check(rd_kafka_offsets_store(client.pointer, list.pointer), "cannot store offsets for group \(groupID)")
        for element in RdKafkaTopicPartitionList.elements(of: list.pointer) where element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(
                element.err,
                "cannot store offset \(element.offset) of \(String(cString: element.topic))[\(element.partition)] (is it still assigned?)"
            )
        }
    }

    /// Marks every record of `batch` processed, without decoding the records.
    public func storeOffsets(of batch: Batch) throws {
        try store(positions: batch.commitPositions)
    }

    /// The commit position (highest offset + 1) of each partition among `records`.
    static func commitPositions(
        _ records: some Sequence<(topic: String, partition: Int32, offset: Int64)>
    ) -> [KafkaTopicPartition: Int64] {
        var next: [KafkaTopicPartition: Int64] = [:]
        for (topic, partition, offset) in records {
            let key = KafkaTopicPartition(topic: topic, partition: partition)
            next[key] = max(next[key] ?? 0, offset + 1)
        }
        return next
    }

    /// Commits the stored offsets and waits for the coordinator's answer.
    ///
    /// Runs on a dispatch thread. Succeeds when nothing new is stored.
    public func commit() async throws {
        let (client, groupID) = (client, groupID)
        try await BlockingCall.run { () throws(KafkaError) in
            let result = rd_kafka_commit(client.pointer, nil, 0)
            guard result != RD_KAFKA_RESP_ERR__NO_OFFSET else { return }
            try KafkaError.check(result, "cannot commit offsets for group \(groupID)")
        }
    }

    /// Commits `positions` (the next offset to read, per partition), whether or not the
    /// partitions are still assigned, but only where they are ahead of what the group has
    /// committed, so work another member did since is never undone; waits for the answer.
    ///
    /// For a member handing its finished work over as it leaves. Runs on a dispatch thread.
    /// Throws `KafkaError`: `rebalanceInProgress` or `illegalGeneration` while the group
    /// rebalances (try again), others for a refusal.
    public func commit(aheadOnly positions: [KafkaTopicPartition: Int64]) async throws {
        let (client, groupID) = (client, groupID)
        try await BlockingCall.run { () throws(KafkaError) in
            let ahead = ConsumerCallbacks.ahead(of: client.pointer, positions.filter { $0.value >= 0 })
            guard !ahead.isEmpty else { return }
            let list = RdKafkaTopicPartitionList.make(Array(ahead.keys), offsets: Array(ahead.values))
            try KafkaError.check(rd_kafka_commit(client.pointer, list.pointer, 0), "cannot commit offsets for group \(groupID)")
        }
    }

    /// Stops fetching from `partitions` (they stay assigned) until `resume(_:)`.
    ///
    /// The pause holds until `resume(_:)` or the partitions' revocation (a partition assigned
    /// again starts unpaused): the consumer's own pauses for a full buffer never lift it.
    public func pause(_ partitions: [KafkaTopicPartition]) throws {
        let list = RdKafkaTopicPartitionList.make(partitions)
        callbacks.applicationPauses.add(partitions)
        try KafkaError.check(rd_kafka_pause_partitions(client.pointer, list.pointer), "cannot pause \(partitions)")
    }

    /// Fetches from `partitions` again after `pause(_:)`.
    public func resume(_ partitions: [KafkaTopicPartition]) throws {
        let list = RdKafkaTopicPartitionList.make(partitions)
        callbacks.applicationPauses.remove(partitions)
        try KafkaError.check(rd_kafka_resume_partitions(client.pointer, list.pointer), "cannot resume \(partitions)")
    }

    /// The partitions currently assigned to this consumer, sorted.
    public func assignment() async throws -> [KafkaTopicPartition] {
        let (client, groupID) = (client, groupID)
        return try await BlockingCall.run { () throws(KafkaError) in
            var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
            try KafkaError.check(rd_kafka_assignment(client.pointer, &list), "cannot read the assignment of group \(groupID)")
            defer { list.map(rd_kafka_topic_partition_list_destroy) }
            return RdKafkaTopicPartitionList.partitions(of: list).sorted {
                ($0.topic, $0.partition) < ($1.topic, $1.partition)
            }
        }
    }

    /// The latest error librdkafka reported for this consumer, e.g. an unreachable broker.
    public var lastError: String? { callbacks.lastError }

    /// Leaves the group (committing stored offsets when `autoCommit` is on) and stops fetching.
    ///
    /// Records already buffered are still handed to readers, then `messages`, `batches` and
    /// `rebalanceEvents` end. Runs the blocking close on a dispatch thread.
    public func close() async throws {
        pollThread.stop()
        await pollThread.waitUntilExited()
        let (client, groupID) = (client, groupID)
        defer {
            buffer.finish()
            callbacks.finish()
        }
        try await BlockingCall.run { () throws(KafkaError) in
            try KafkaError.check(rd_kafka_consumer_close(client.pointer), "cannot leave group \(groupID) cleanly")
        }
    }

    /// The poll thread's memory of a reader that stopped keeping up.
    ///
    /// librdkafka serves rebalance callbacks from the same queue as records, behind the records
    /// it already fetched: a poll thread that stops polling while the buffer is full would
    /// answer a rebalance only once the reader caught up, possibly after the group gave up on
    /// this member. So once the buffer has stayed full for `pauseAfter`, the thread pauses the
    /// assignment (librdkafka drops the records it prefetched and will fetch them again) and
    /// keeps polling, which serves rebalances at once; it resumes when the reader makes room,
    /// leaving paused the partitions the application paused itself.
    /// Used by the poll thread only.
    private final class StallControl: @unchecked Sendable {
        static let pauseAfter = Duration.milliseconds(200)
        var fullSince: ContinuousClock.Instant?
        var paused: [KafkaTopicPartition] = []
    }

    /// One turn of the poll thread: fetch up to `batchSize` records unless the buffer is full.
    ///
    /// Error messages are recorded and dropped here; records go to the reader undecoded.
    private static func pollOnce(
        client: RdKafkaClient,
        queue: RdKafkaQueue,
        buffer: ConsumerBuffer<ConsumedBatch>,
        callbacks: ConsumerCallbacks,
        batchSize: Int,
        fillsBatches: Bool,
        stall: StallControl
    ) {
        var wanted = batchSize
        var timeout: Int32 = 100
        if buffer.isFull {
            let now = ContinuousClock.now
            let since = stall.fullSince ?? now
            stall.fullSince = since
            if !stall.paused.isEmpty || now - since >= StallControl.pauseAfter {
                // Again on every turn: a rebalance meanwhile may have assigned new partitions.
                stall.paused = Array(Set(stall.paused + pauseAssignment(client)))
            }
            if stall.paused.isEmpty {
                buffer.waitForRoom(timeout: .milliseconds(100))
                return
            }
            // Paused: polling serves rebalances; at most one record slips past the limit.
            (wanted, timeout) = (1, 0)
            buffer.waitForRoom(timeout: .milliseconds(100))
        } else {
            stall.fullSince = nil
            if !stall.paused.isEmpty {
                // Only what this thread paused, and not what the application holds paused.
                let resumable = callbacks.applicationPauses.excluded(from: stall.paused)
                if !resumable.isEmpty {
                    let list = RdKafkaTopicPartitionList.make(resumable)
                    _ = rd_kafka_resume_partitions(client.pointer, list.pointer)
                }
                stall.paused = []
            }
        }
        let slots = UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: wanted)
        let fetched = takeRecords(from: queue, into: slots, timeout: timeout, fillsBatch: fillsBatches)
        var kept = 0
        for index in 0..<fetched {
            guard let message = slots[index] else { continue }
            if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                slots[kept] = message
                kept += 1
            } else {
                callbacks.record(error: message.pointee.err, text: String(cString: rd_kafka_message_errstr(message)))
                rd_kafka_message_destroy(message)
            }
        }
        guard kept > 0 else {
            slots.deallocate()
            return
        }
        // Counted before the push, so a revocation never sees a batch a reader already holds
        // as not yet fetched.
        callbacks.countFetchedBatch()
        buffer.push(ConsumedBatch(client: client, messages: slots, count: kept), count: kept)
    }

    /// Takes up to `slots.count` records from the consumer's queue, one `rd_kafka_consume_queue`
    /// at a time: waiting up to `timeout` milliseconds for the first, then, when `fillsBatch`,
    /// for more until the batch is full or the time is up, else only for what has arrived.
    ///
    /// Not `rd_kafka_consume_batch_queue`: in librdkafka 2.0.2 it skips records when a
    /// partition is paused or resumed while it fills a batch (fixed in 2.1.0): it drops the
    /// records of the old fetch it already took, after moving the partition's position past
    /// them, so they are never fetched again. Cooperative rebalances pause and resume every
    /// partition, and so does a full buffer. One record at a time, librdkafka discards an old
    /// fetch's records before they count.
    private static func takeRecords(
        from queue: RdKafkaQueue, into slots: UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?>,
        timeout: Int32, fillsBatch: Bool
    ) -> Int {
        guard let first = rd_kafka_consume_queue(queue.pointer, timeout) else { return 0 }
        slots[0] = first
        var count = 1
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout))
        while count < slots.count {
            let wait = fillsBatch ? max(0, Int32(((deadline - ContinuousClock.now) / .milliseconds(1)).rounded(.down))) : 0
            guard let next = rd_kafka_consume_queue(queue.pointer, wait) else { break }
            slots[count] = next
            count += 1
        }
        return count
    }

    /// Pauses every assigned partition; returns them (empty if none or on failure).
    private static func pauseAssignment(_ client: RdKafkaClient) -> [KafkaTopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(client.pointer, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        guard list.pointee.cnt > 0, rd_kafka_pause_partitions(client.pointer, list) == RD_KAFKA_RESP_ERR_NO_ERROR else { return [] }
        return RdKafkaTopicPartitionList.partitions(of: list)
    }
}
