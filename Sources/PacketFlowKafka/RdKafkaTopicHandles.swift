import CRdKafka
import Synchronization

/// A producer's librdkafka topic handles (`rd_kafka_topic_t`), one per topic name, made on
/// first use and destroyed with the producer.
///
/// Producing by handle (`RD_KAFKA_VTYPE_RKT`, as kcat does) spares librdkafka a topic lookup
/// under its client-wide write lock for every record, a lock its broker threads take too.
/// Holds the client, so the handles are destroyed before `rd_kafka_destroy`. Thread-safe.
final class RdKafkaTopicHandles: Sendable {
    private let client: RdKafkaClient
    /// Handles stay valid until deinit; librdkafka's topic handles are thread-safe.
    private let state = Mutex(State())

    private struct State {
        var handles: [String: OpaquePointer] = [:]
        /// The last topic asked for: bulk producers name one topic over and over, and comparing
        /// the same `String` is far cheaper than hashing it.
        var last: (topic: String, handle: OpaquePointer)?
    }

    init(client: RdKafkaClient) {
        self.client = client
    }

    deinit {
        state.withLock { $0.handles.values.forEach(rd_kafka_topic_destroy) }
    }

    /// The handle for `topic`, or `nil` when librdkafka refuses the name (producing by name
    /// then reports why).
    func handle(for topic: String) -> OpaquePointer? {
        state.withLock { state in
            if let last = state.last, last.topic == topic { return last.handle }
            let handle = state.handles[topic] ?? rd_kafka_topic_new(client.pointer, topic, nil)
            guard let handle else { return nil }
            state.handles[topic] = handle
            state.last = (topic, handle)
            return handle
        }
    }
}
