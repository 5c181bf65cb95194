import PacketFlowCore

/// A topic name with the number of partitions it must have, and the configs to create it with.
///
/// The value behind `packetflow broker --topic NAME:PARTITIONS` and behind each message on
/// the topic-request channel (see `TopicRequestChannel`). `configs` (such as
/// `cleanup.policy=compact`) reach a real cluster's CreateTopics; the embedded broker's mock
/// cluster has no topic configs and ignores them.
public struct TopicSpec: Hashable, Sendable, CustomStringConvertible {
    /// The topic's name.
    public var name: String
    /// How many partitions the topic must have; at least 1.
    public var partitions: Int
    /// Topic configs for CreateTopics, e.g. `["cleanup.policy": "compact"]`. Default: none.
    public var configs: [String: String]
    /// Whether a topic that exists with fewer partitions is used as it is (the user's own
    /// topics: a source or sink PacketFlow does not manage) rather than refused. Default: false.
    public var acceptsFewerPartitions = false

    /// Creates a specification, checking what Kafka would reject.
    ///
    /// Throws `TopicError` with code `invalidTopicSpec` when the name is not a legal Kafka
    /// topic name (1 to 249 characters from `a-z A-Z 0-9 . _ -`, not `.` or `..`) or
    /// `partitions` is below 1.
    public init(name: String, partitions: Int, configs: [String: String] = [:]) throws(TopicError) {
        guard TopicName.isLegal(name) else {
            throw TopicError(
                code: .invalidTopicSpec,
                message: "invalid topic name '\(name)': use 1 to 249 characters from a-z, A-Z, 0-9, '.', '_' and '-'"
            )
        }
        guard partitions >= 1 else {
            throw TopicError(
                code: .invalidTopicSpec,
                message: "topic \(name) needs at least 1 partition, not \(partitions)"
            )
        }
        self.name = name
        self.partitions = partitions
        self.configs = configs
    }

    /// Parses `NAME:PARTITIONS`, e.g. `orders:12`.
    ///
    /// Throws `TopicError` with code `invalidTopicSpec` naming the expected form.
    public init(parsing text: String) throws(TopicError) {
        guard let colon = text.lastIndex(of: ":"),
              let partitions = Int(text[text.index(after: colon)...].trimmingSpaces)
        else {
            throw TopicError(
                code: .invalidTopicSpec,
                message: "invalid topic '\(text)': expected NAME:PARTITIONS, e.g. orders:12"
            )
        }
        try self.init(name: String(text[..<colon]), partitions: partitions)
    }

    /// `NAME:PARTITIONS`.
    public var description: String { "\(name):\(partitions)" }
}

extension Substring {
    /// The text without leading and trailing spaces, tabs and line breaks (a typed `echo` adds one).
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
