/// A connector sink: an external system fed from a topic of the plan.
public struct ConnectorPlan: Sendable, Hashable, Codable {
    /// The connector's name as declared: `connector("postgres", ...)`.
    public var name: String
    /// The declared options (`table: "results"`), passed to the connector as they are.
    public var options: [String: String]
    /// The topic it reads: `pf.<molecule>.connector.<name>`.
    public var topic: String
    /// The stages whose results it receives, sorted.
    public var stages: [String]

    /// Creates a connector plan.
    public init(name: String, options: [String: String], topic: String, stages: [String]) {
        self.name = name
        self.options = options
        self.topic = topic
        self.stages = stages
    }
}
