import PacketFlowCore

/// One packet inside a stage: what to run and what it costs.
public struct StagePacket: Sendable, Hashable, Codable {
    /// The packet's name.
    public var name: String
    /// The packet's own group (the stage runs as its first packet's group).
    public var group: PacketGroup
    /// What runs it.
    public var handler: HandlerReference
    /// Relative cost of one call; 1 when not declared.
    public var cost: Double
    /// CPU and memory it needs.
    public var resources: ResourceRequirements
    /// Copies of its program a worker runs, for an exec handler; 1 when not declared.
    public var instances: Int

    /// Creates a stage packet.
    public init(
        name: String, group: PacketGroup, handler: HandlerReference, cost: Double, resources: ResourceRequirements, instances: Int = 1
    ) {
        self.name = name
        self.group = group
        self.handler = handler
        self.cost = cost
        self.resources = resources
        self.instances = instances
    }
}
