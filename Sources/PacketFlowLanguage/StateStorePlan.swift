/// The shared state of a metallic bond: a key-value store backed by a compacted topic.
public struct StateStorePlan: Sendable, Hashable, Codable {
    /// The store's name, also its changelog topic: `pf.<molecule>.state.<a>-<b>`.
    public var name: String
    /// The two bonded packets, sorted.
    public var packets: [String]
    /// The stages that read and write it, sorted.
    public var stages: [String]

    /// Creates a state store plan.
    public init(name: String, packets: [String], stages: [String]) {
        self.name = name
        self.packets = packets
        self.stages = stages
    }
}

/// A weak bond's wish: run two stages on the same machine when the scheduler can.
public struct PlacementHint: Sendable, Hashable, Codable, Comparable {
    /// The two bonded packets, sorted.
    public var packets: [String]
    /// Their stages, in the same order.
    public var stages: [String]

    /// Creates a hint.
    public init(packets: [String], stages: [String]) {
        self.packets = packets
        self.stages = stages
    }

    /// Orders hints by their packets.
    public static func < (lhs: PlacementHint, rhs: PlacementHint) -> Bool {
        lhs.packets.lexicographicallyPrecedes(rhs.packets)
    }
}

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
