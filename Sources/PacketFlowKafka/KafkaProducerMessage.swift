import Foundation

/// A record to produce: topic, optional key and value, headers, partition and timestamp.
///
/// `partition == nil` lets the partitioner choose (by key hash, or sticky for `nil` keys).
/// `timestamp == nil` lets librdkafka stamp the record with the time it is enqueued.
public struct KafkaProducerMessage: Sendable {
    /// The topic to produce to.
    public var topic: String
    /// The record key; `nil` is a null key.
    public var key: [UInt8]?
    /// The record value; `nil` is a null value (a tombstone on compacted topics).
    public var value: [UInt8]?
    /// The record headers, in order; names may repeat.
    public var headers: [KafkaHeader]
    /// A fixed partition, or `nil` for the configured partitioner.
    public var partition: Int32?
    /// The record's CreateTime, or `nil` for now. Kafka keeps millisecond precision.
    public var timestamp: Date?

    /// Creates a record.
    public init(
        topic: String,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        partition: Int32? = nil,
        timestamp: Date? = nil
    ) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
        self.timestamp = timestamp
    }
}
