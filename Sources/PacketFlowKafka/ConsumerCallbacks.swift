import CRdKafka
import Logging
import Synchronization

/// Receives a consumer's librdkafka callbacks: rebalances and errors.
///
/// librdkafka calls these on the thread that polls the consumer (its poll thread, or the
/// one running `rd_kafka_consumer_close`), with this object as the opaque.
final class ConsumerCallbacks: Sendable {
    private let rebalanceContinuation: AsyncStream<KafkaRebalanceEvent>.Continuation
    private let lastErrorText = Mutex(LastClientError())
    private let logger: Logger

    init(rebalanceContinuation: AsyncStream<KafkaRebalanceEvent>.Continuation, logger: Logger) {
        self.rebalanceContinuation = rebalanceContinuation
        self.logger = logger
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
            if cooperative {
                failure = Self.describe(consuming: rd_kafka_incremental_assign(handle, partitions))
            } else if rd_kafka_assign(handle, partitions) != RD_KAFKA_RESP_ERR_NO_ERROR {
                failure = "assign failed"
            }
            rebalanceContinuation.yield(.assigned(named))
        default:
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

    private static func describe(consuming error: OpaquePointer?) -> String? {
        guard let error else { return nil }
        defer { rd_kafka_error_destroy(error) }
        return String(cString: rd_kafka_error_string(error))
    }
}
