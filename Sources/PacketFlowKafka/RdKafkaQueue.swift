import CRdKafka

/// Owns one `rd_kafka_queue_t` reference of a client and releases it on deinit.
///
/// Holds the client strongly, so the queue is always released before the client is
/// destroyed, as librdkafka requires. Queues are thread-safe, hence `@unchecked Sendable`.
final class RdKafkaQueue: @unchecked Sendable {
    /// The `rd_kafka_queue_t *`; valid until deinit.
    let pointer: OpaquePointer
    private let client: RdKafkaClient

    private init(pointer: OpaquePointer, client: RdKafkaClient) {
        self.pointer = pointer
        self.client = client
    }

    deinit {
        rd_kafka_queue_destroy(pointer)
    }

    /// The client's main queue: delivery reports, errors and other events.
    static func makeMain(of client: RdKafkaClient) -> RdKafkaQueue {
        RdKafkaQueue(pointer: rd_kafka_queue_get_main(client.pointer), client: client)
    }

    /// A consumer's queue: fetched records, rebalances and consumer errors.
    static func makeConsumer(of client: RdKafkaClient) -> RdKafkaQueue {
        RdKafkaQueue(pointer: rd_kafka_queue_get_consumer(client.pointer), client: client)
    }
}
