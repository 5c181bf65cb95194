/// A Kafka topic of a plan: its name, size, role and who writes and reads it.
public struct TopicPlan: Sendable, Hashable, Codable {
    /// Why a topic exists.
    public enum Role: String, Sendable, Hashable, Codable {
        /// Where the molecule's events come from (declared, or the implicit input topic).
        case source
        /// Carries one ionic bond from one stage to the next.
        case bond
        /// Where results go (declared, or the implicit output topic).
        case sink
        /// Feeds a connector sink.
        case connector
        /// Holds packets that failed every attempt.
        case deadLetter = "dead-letter"
        /// The compacted changelog of a metallic bond's state store.
        case state
    }

    /// How Kafka cleans a topic up.
    public enum CleanupPolicy: String, Sendable, Hashable, Codable {
        /// Old segments are deleted after retention.
        case delete
        /// Only the newest value per key is kept.
        case compact
    }

    /// The topic's name.
    public var name: String
    /// Partitions to create it with. For sources, which the molecule does not own, the
    /// partitions its consumers are sized for.
    public var partitions: Int
    /// Why the topic exists.
    public var role: Role
    /// Whether the molecule creates and owns the topic (false for declared sources and sinks).
    public var managed: Bool
    /// How Kafka cleans it up.
    public var cleanupPolicy: CleanupPolicy
    /// Stages that write it, sorted.
    public var producers: [String]
    /// Stages that read it, sorted.
    public var consumers: [String]

    /// Creates a topic plan.
    public init(
        name: String, partitions: Int, role: Role, managed: Bool, cleanupPolicy: CleanupPolicy,
        producers: [String], consumers: [String]
    ) {
        self.name = name
        self.partitions = partitions
        self.role = role
        self.managed = managed
        self.cleanupPolicy = cleanupPolicy
        self.producers = producers
        self.consumers = consumers
    }

    /// The topic configs to create it with on a real cluster: `cleanup.policy=compact` for a
    /// state store's changelog, nothing otherwise (the cluster's defaults).
    public var kafkaConfigs: [String: String] {
        cleanupPolicy == .compact ? ["cleanup.policy": "compact"] : [:]
    }
}
