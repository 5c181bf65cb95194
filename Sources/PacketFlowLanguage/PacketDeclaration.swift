import PacketFlowCore

/// A packet as declared in a molecule file: `packet ValidatePacket { group: CF, ... }`.
public struct PacketDeclaration: Sendable, Hashable {
    /// The packet's name, unique across a program.
    public var name: String
    /// The packet's group; decides partitions, ordering, retries, placement and scaling.
    public var group: PacketGroup
    /// What runs the packet.
    public var handler: HandlerReference
    /// Relative cost of one call (any non-negative number; 1 when not declared).
    public var cost: Double?
    /// CPU and memory one replica needs.
    public var resources: ResourceRequirements
    /// Payload field (dotted path) whose value orders and partitions the packet's messages.
    public var key: String?
    /// Partitions, scaling bounds, retries, timeout and concurrency as declared.
    public var settings: PacketSettings
    /// Where the declaration's name is.
    public var location: SourceLocation

    /// Creates a packet declaration.
    public init(
        name: String, group: PacketGroup, handler: HandlerReference, cost: Double? = nil,
        resources: ResourceRequirements = ResourceRequirements(), key: String? = nil,
        settings: PacketSettings = PacketSettings(), location: SourceLocation
    ) {
        self.name = name
        self.group = group
        self.handler = handler
        self.cost = cost
        self.resources = resources
        self.key = key
        self.settings = settings
        self.location = location
    }
}
