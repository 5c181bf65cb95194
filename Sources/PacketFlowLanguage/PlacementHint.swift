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
