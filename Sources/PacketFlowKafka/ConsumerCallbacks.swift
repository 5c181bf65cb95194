import CRdKafka
import Foundation
import Logging
import Synchronization

/// Receives a consumer's librdkafka callbacks: rebalances and errors.
///
/// librdkafka calls these on the thread that polls the consumer (its poll thread, or the
/// one running `rd_kafka_consumer_close`), with this object as the opaque. Before a revocation
/// is applied it runs the consumer's revocation handler and commits the offsets it returns;
/// before an assignment is applied it runs the assignment handler, commits its offsets and
/// waits the hand-over delay.
final class ConsumerCallbacks: Sendable {
    private let rebalanceContinuation: AsyncStream<KafkaRebalanceEvent>.Continuation
    private let revocationHandler: KafkaConsumer.RevocationHandler?
    private let assignmentHandler: KafkaConsumer.AssignmentHandler?
    private let handoverDelay: Duration
    /// Partitions the application paused; revoked ones are forgotten.
    let applicationPauses = ApplicationPauses()
    private let lastErrorText = Mutex(LastClientError())
    private let fetchedBatchCount = Atomic<Int>(0)
    private let groupID: String
    private let logger: Logger

    init(
        rebalanceContinuation: AsyncStream<KafkaRebalanceEvent>.Continuation,
        revocationHandler: KafkaConsumer.RevocationHandler?,
        assignmentHandler: KafkaConsumer.AssignmentHandler?,
        handoverDelay: Duration,
        groupID: String,
        logger: Logger
    ) {
        self.rebalanceContinuation = rebalanceContinuation
        self.revocationHandler = revocationHandler
        self.assignmentHandler = assignmentHandler
        self.handoverDelay = handoverDelay
        self.groupID = groupID
        self.logger = logger
    }

    /// Counts one batch handed to the consumer's readers; called by the poll thread.
    func countFetchedBatch() {
        fetchedBatchCount.add(1, ordering: .releasing)
    }

    /// The latest error librdkafka reported for the consumer.
    var lastError: String? { lastErrorText.withLock { $0.text } }

    /// Installs the callbacks on a configuration whose opaque is this object.
    static func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_rebalance_cb(conf) { handle, error, partitions, opaque in
            guard let handle, let opaque else { return }
            Unmanaged<ConsumerCallbacks>.fromOpaque(opaque).takeUnretainedValue()
                .rebalance(handle, error, partitions)
        }
        rd_kafka_conf_set_error_cb(conf) { _, error, reason, opaque in
            guard let opaque else { return }
            Unmanaged<ConsumerCallbacks>.fromOpaque(opaque).takeUnretainedValue()
                .record(error: rd_kafka_resp_err_t(error), text: reason.map { String(cString: $0) } ?? "")
        }
    }

    /// Records an error librdkafka reported, by callback or as an error message.
    func record(error: rd_kafka_resp_err_t, text: String) {
        lastErrorText.withLock { $0.record(error, text) }
        logger.warning("Kafka consumer error", metadata: ["code": "\(KafkaError.Code(error))", "error": "\(text)"])
    }

    /// Ends the rebalance event stream, when the consumer closes.
    func finish() {
        rebalanceContinuation.finish()
    }

    /// Applies a rebalance and reports it: eager strategies replace the whole assignment,
    /// cooperative ones add or remove only the partitions named.
    private func rebalance(
        _ handle: OpaquePointer,
        _ error: rd_kafka_resp_err_t,
        _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    ) {
        let named = RdKafkaTopicPartitionList.partitions(of: partitions)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        var failure: String?
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            prepareAssignment(handle, named)
            if cooperative {
                failure = Self.describe(consuming: rd_kafka_incremental_assign(handle, partitions))
            } else if rd_kafka_assign(handle, partitions) != RD_KAFKA_RESP_ERR_NO_ERROR {
                failure = "assign failed"
            }
            rebalanceContinuation.yield(.assigned(named))
        default:
            commitBeforeRevoking(handle, named)
            applicationPauses.remove(named)
            rebalanceContinuation.yield(.revoked(named))
            if cooperative {
                failure = Self.describe(consuming: rd_kafka_incremental_unassign(handle, partitions))
            } else if rd_kafka_assign(handle, nil) != RD_KAFKA_RESP_ERR_NO_ERROR {
                failure = "unassign failed"
            }
        }
        if let failure {
            logger.error("Kafka rebalance could not be applied", metadata: ["error": "\(failure)"])
        }
    }

    /// Runs the revocation handler while the partitions are still assigned, and commits the
    /// offsets it returns synchronously, so the next owner starts after them.
    private func commitBeforeRevoking(_ handle: OpaquePointer, _ partitions: [KafkaTopicPartition]) {
        guard let revocationHandler, !partitions.isEmpty else { return }
        // The handler runs on this thread, inside librdkafka's callback: the handle stays valid
        // for every commit it makes meanwhile.
        nonisolated(unsafe) let client = handle
        let revocation = KafkaRebalanceEvent.Revocation(
            partitions: partitions, fetchedBatches: fetchedBatchCount.load(ordering: .acquiring),
            isLost: rd_kafka_assignment_lost(handle) != 0,
            commit: { [self] offsets in commit(client, offsets, when: "before revocation, what was finished") })
        let offsets = revocationHandler(revocation)
        guard !revocation.isLost else { return }
        commit(handle, offsets, when: "before revocation")
        // librdkafka commits the stored offsets of partitions it unassigns (auto commit): store
        // these, or an older stored position would move the group back behind this commit.
        store(handle, offsets)
    }

    /// Stores `offsets` for librdkafka's own commits (of partitions still assigned).
    private func store(_ handle: OpaquePointer, _ offsets: [KafkaTopicPartition: Int64]) {
        let offsets = offsets.filter { $0.value >= 0 }
        guard !offsets.isEmpty else { return }
        let list = RdKafkaTopicPartitionList.make(Array(offsets.keys), offsets: Array(offsets.values))
        _ = rd_kafka_offsets_store(handle, list.pointer)
    }

    /// Runs the assignment handler before the assignment is applied, commits those of the
    /// offsets it returns that are ahead of what the group committed, then waits the hand-over
    /// delay so other members' such commits land before this consumer looks up where to start.
    ///
    /// Positions a revocation could not commit may be stale by now (the partition went to
    /// another member, which went further): committing them as they are would move the group
    /// back over that member's work.
    private func prepareAssignment(_ handle: OpaquePointer, _ partitions: [KafkaTopicPartition]) {
        guard let assignmentHandler else { return }
        let handover = assignmentHandler(partitions)
        // The group may still be finishing this round (the embedded broker refuses commits
        // until every member has synced): try for a while, as the new owners wait for it.
        let deadline = ContinuousClock.now + handoverDelay * 2
        while !commit(handle, Self.ahead(of: handle, handover), when: "before assignment"), ContinuousClock.now < deadline {
            usleep(50_000)
        }
        if handoverDelay > .zero, !partitions.isEmpty {
            usleep(useconds_t(clamping: handoverDelay.milliseconds * 1_000))
        }
    }

    /// The entries of `offsets` beyond the group's committed offsets; none when those cannot be read.
    static func ahead(of handle: OpaquePointer, _ offsets: [KafkaTopicPartition: Int64]) -> [KafkaTopicPartition: Int64] {
        guard !offsets.isEmpty else { return [:] }
        let list = RdKafkaTopicPartitionList.make(Array(offsets.keys))
        guard rd_kafka_committed(handle, list.pointer, 5_000) == RD_KAFKA_RESP_ERR_NO_ERROR else { return [:] }
        var committed: [KafkaTopicPartition: Int64] = [:]
        for element in RdKafkaTopicPartitionList.elements(of: list.pointer) where element.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            committed[KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)] = element.offset
        }
        return offsets.filter { $0.value > (committed[$0.key] ?? -1) }
    }

    /// Commits `offsets` synchronously from inside the rebalance callback; false when the group
    /// refused because it is rebalancing (worth another try), true otherwise.
    ///
    /// A commit the group refuses (it is rebalancing, the partitions are lost) is only logged.
    @discardableResult
    private func commit(_ handle: OpaquePointer, _ offsets: [KafkaTopicPartition: Int64], when: String) -> Bool {
        let offsets = offsets.filter { $0.value >= 0 }
        guard !offsets.isEmpty else { return true }
        let list = RdKafkaTopicPartitionList.make(Array(offsets.keys), offsets: Array(offsets.values))
        let result = rd_kafka_commit(handle, list.pointer, 0)
        guard result != RD_KAFKA_RESP_ERR_NO_ERROR, result != RD_KAFKA_RESP_ERR__NO_OFFSET else {
            logger.debug("committed \(when)", metadata: ["group": "\(groupID)", "offsets": "\(offsets)"])
            return true
        }
        logger.info(
            "could not commit \(when)",
            metadata: ["group": "\(groupID)", "code": "\(KafkaError.Code(result))", "offsets": "\(offsets)"])
        return result != RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS
    }

    private static func describe(consuming error: OpaquePointer?) -> String? {
        guard let error else { return nil }
        defer { rd_kafka_error_destroy(error) }
        return String(cString: rd_kafka_error_string(error))
    }
}
