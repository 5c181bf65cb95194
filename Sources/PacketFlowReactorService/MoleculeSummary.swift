/// One line of `packetflow list` and `GET /v1/molecules`.
public struct MoleculeSummary: Sendable, Hashable, Codable {
    /// The molecule.
    public var molecule: String
    /// Its stages, in plan order.
    public var stages: [String]
    /// Workers running across its stages.
    public var runningReplicas: Int
    /// Workers wanted across its stages.
    public var desiredReplicas: Int
}
