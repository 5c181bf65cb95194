/// A partition of a topic, e.g. in an assignment or a pause request.
public struct KafkaTopicPartition: Hashable, Sendable, CustomStringConvertible {
    /// The topic's name.
    public var topic: String
    /// The partition's id within the topic.
    public var partition: Int32

    /// Creates a topic-partition pair.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// `topic[partition]`, e.g. `orders[3]`.
    public var description: String { "\(topic)[\(partition)]" }
}
