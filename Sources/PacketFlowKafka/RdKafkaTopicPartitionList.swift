import CRdKafka

/// Owns one `rd_kafka_topic_partition_list_t` and destroys it on deinit.
///
/// Used on one thread at a time by the call that built it; never shared.
final class RdKafkaTopicPartitionList {
    /// The `rd_kafka_topic_partition_list_t *`; valid until deinit.
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    private init(pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        self.pointer = pointer
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    /// A list of `partitions`, each with `offset` set when given.
    static func make(_ partitions: [KafkaTopicPartition], offsets: [Int64]? = nil) -> RdKafkaTopicPartitionList {
        let list = RdKafkaTopicPartitionList(pointer: rd_kafka_topic_partition_list_new(Int32(partitions.count)))
        for (index, item) in partitions.enumerated() {
            let element = rd_kafka_topic_partition_list_add(list.pointer, item.topic, item.partition)!
            if let offsets {
                element.pointee.offset = offsets[index]
            }
        }
        return list
    }

    /// A list naming whole topics, as `rd_kafka_subscribe` wants.
    static func make(topics: [String]) -> RdKafkaTopicPartitionList {
        // -1 is RD_KAFKA_PARTITION_UA: no particular partition.
        make(topics.map { KafkaTopicPartition(topic: $0, partition: -1) })
    }

    /// A borrowed list's partitions, e.g. inside a rebalance callback.
    static func partitions(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [KafkaTopicPartition] {
        elements(of: list).map { KafkaTopicPartition(topic: String(cString: $0.topic), partition: $0.partition) }
    }

    /// A borrowed list's raw elements.
    static func elements(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> UnsafeBufferPointer<rd_kafka_topic_partition_t> {
        guard let list else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt))
    }
}
