/// Why the autoscaler decided what it did, as a stable code for MC packets and tests.
///
/// The raw value is the code carried in the decision's JSON payload; the decision's
/// `explanation` says the same in words with the numbers.
public enum ScalingReason: String, Sendable, Hashable, CaseIterable {
    /// Fewer replicas than the policy's minimum: scaled up to it.
    case belowMinimum = "below-minimum"
    /// More replicas than the maximum or the partition count: scaled down to it at once.
    case aboveMaximum = "above-maximum"
    /// Zero replicas and lag or input appeared: started.
    case activation
    /// Zero replicas, no lag and no input: nothing to do.
    case idle
    /// Input divided by the target utilization exceeds the current capacity: scaled out.
    case inflowExceedsCapacity = "inflow-exceeds-capacity"
    /// Input fits, but the backlog cannot drain within the catch-up target: scaled out.
    case catchingUp = "catching-up"
    /// The model said enough, yet lag keeps rising on a backlog: one more replica, so
    /// scaling never stalls short of the maximum while lag grows.
    case lagRising = "lag-rising"
    /// Per-replica capacity not measured yet while lag rises: one scale-out step.
    case coldStart = "cold-start"
    /// Per-replica capacity not measured yet and lag not rising: holding.
    case rateUnknown = "rate-unknown"
    /// Fewer replicas were enough for the whole stabilization window: scaled in.
    case overProvisioned = "over-provisioned"
    /// Fewer replicas would do, but a backlog is draining or lag is rising: holding.
    case drainingBacklog = "draining-backlog"
    /// Fewer replicas would do, but not yet for the whole stabilization window: holding.
    case stabilizing
    /// More replicas are needed than the maximum or the partition count allows: holding.
    case atLimit = "at-limit"
    /// The current replicas match the model: holding.
    case balanced
    /// The model wants more replicas, but the stage's workers keep exiting soon after they
    /// start (CRASHLOOP): more would crash too, so holding.
    case crashLooping = "crash-looping"
}
