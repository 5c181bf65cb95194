import PacketFlowLanguage

/// The Kafka side of a connector: the topic it consumes, its group, and where rejects go.
public struct ConnectorConfiguration: Sendable {
    /// The connector's name as declared: `connector("postgres", ...)` gives `postgres`.
    public var name: String
    /// The options declared with it (`table: "orders"`), for the sink to read.
    public var options: [String: String]
    /// The cluster's `bootstrap.servers`.
    public var bootstrapServers: String
    /// The topic it consumes: the plan's `pf.<molecule>.connector.<name>`.
    public var topic: String
    /// Its consumer group. Default: the topic's name, so its connectors share the partitions.
    public var groupID: String
    /// The molecule's dead-letter topic.
    public var deadLetterTopic: String
    /// The molecule's name, for the dead-letter headers.
    public var molecule: String
    /// Raw librdkafka properties for its consumer and producer (TLS, SASL). Default: none.
    public var kafkaProperties: [String: String] = [:]

    /// The stage name its dead-letter records carry: `connector.<name>`.
    public var stageName: String { "connector.\(name)" }

    /// The connector `connector` of `plan`, on the cluster at `bootstrapServers`.
    public init(connector: ConnectorPlan, plan: TopologyPlan, bootstrapServers: String) {
        self.name = connector.name
        self.options = connector.options
        self.bootstrapServers = bootstrapServers
        self.topic = connector.topic
        self.groupID = connector.topic
        self.deadLetterTopic = plan.deadLetterTopic
        self.molecule = plan.molecule
    }
}
