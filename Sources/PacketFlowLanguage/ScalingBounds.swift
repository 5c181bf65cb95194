/// The replica range the reactor may scale a stage within.
public struct ScalingBounds: Sendable, Hashable, Codable {
    /// Replicas kept running even without load.
    public var min: Int
    /// Replicas the autoscaler may reach.
    public var max: Int

    /// Creates bounds; callers check `min <= max`.
    public init(min: Int, max: Int) {
        self.min = min
        self.max = max
    }
}
