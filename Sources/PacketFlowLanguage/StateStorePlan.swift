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
