import PacketFlowKafka

/// The limits of librdkafka's mock cluster that can surprise a user of the embedded broker.
///
/// `packetflow broker` shows `warning` once at start; docs/embedded-broker.md explains each.
public enum MockClusterLimits {
    /// The warning, in plain words, one limit a line.
    public static let warning = """
        the embedded broker is librdkafka's mock cluster, for development and tests only:
          - each partition keeps only about 5 MB or 100,000 batches; older data is dropped silently, so a consumer far behind loses messages without an error
          - the Admin API cannot create or delete topics; use --topic NAME:PARTITIONS or send 'NAME:PARTITIONS' to the topic \(TopicRequestChannel.topic)
          - a topic that a client names before it exists is created with 4 partitions
          - transactions are not real: aborted messages stay visible and exactly-once cannot be tested
          - every member of a consumer group must use the same partition.assignment.strategy, or the broker process aborts
        """
}
