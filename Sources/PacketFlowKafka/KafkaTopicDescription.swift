/// A topic as the cluster's metadata describes it.
public struct KafkaTopicDescription: Hashable, Sendable {
    /// The topic's name.
    public var name: String
    /// How many partitions it has.
    public var partitionCount: Int

    /// Creates a description.
    public init(name: String, partitionCount: Int) {
        self.name = name
        self.partitionCount = partitionCount
    }
}
