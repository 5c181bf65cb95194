/// A repair the reactor should make for an unstable stage; published as an MC packet.
///
/// Suggested by ``StageHealth``; the reactor carries it out (the process scaler restarts or
/// adds workers, the worker of `target` pauses consuming) and publishes it with
/// ``ControlMessage``.
public struct HealingReaction: Sendable, Hashable {
    /// The stage that was judged.
    public var stage: String
    /// The stage acted on: the judged stage, or its upstream stage for a pause.
    public var target: String
    /// What to do.
    public var action: Action
    /// Why, in words.
    public var reason: String
    /// When it was suggested, as an offset from the samples' origin.
    public var time: Duration

    /// A healing action.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// Restart the target's workers (stalled or stopped consumption).
        case restartWorkers = "restart-workers"
        /// Add one replica to the target (lag not decreasing, or data being lost to retention).
        case scaleOut = "scale-out"
        /// Pause consumption of the target, the upstream stage, until the storm is looked at.
        case pauseStage = "pause-stage"
    }

    /// Creates a reaction.
    public init(stage: String, target: String, action: Action, reason: String, time: Duration) {
        self.stage = stage
        self.target = target
        self.action = action
        self.reason = reason
        self.time = time
    }
}
