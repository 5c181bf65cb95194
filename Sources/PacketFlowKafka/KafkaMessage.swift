import Foundation

/// A consumed record: where it came from, its key, value, headers and timestamp.
public struct KafkaMessage: Sendable {
    /// The topic the record was read from.
    public var topic: String
    /// The partition the record was read from.
    public var partition: Int32
    /// The record's offset in its partition.
    public var offset: Int64
    /// The record key; `nil` is a null key.
    public var key: [UInt8]?
    /// The record value; `nil` is a null value.
    public var value: [UInt8]?
    /// The record headers, in the order they were produced.
    public var headers: [KafkaHeader]
    /// The record's timestamp (CreateTime or LogAppendTime, as the topic keeps it), in
    /// millisecond precision; `nil` if the record has none.
    public var timestamp: Date?

    /// Creates a record, e.g. for tests of code that consumes.
    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        timestamp: Date? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }
}
