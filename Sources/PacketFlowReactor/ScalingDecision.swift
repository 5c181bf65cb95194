import PacketFlowCore

/// What the autoscaler decided for one stage, with the numbers it decided on and why.
///
/// The reactor acts on ``desiredReplicas`` (start or stop workers), records the decision in
/// the stage's ``ScalingHistory``, shows ``explanation`` in `packetflow status`, and publishes
/// scale events as MC packets (``ControlMessage``).
public struct ScalingDecision: Sendable, Hashable {
    /// The stage decided for.
    public var stage: String
    /// The stage's group.
    public var group: PacketGroup
    /// When the decision was taken, as an offset from the samples' origin.
    public var time: Duration
    /// Whether replicas change.
    public var action: Action
    /// Replicas before the decision.
    public var currentReplicas: Int
    /// Replicas to run after it.
    public var desiredReplicas: Int
    /// The model's count within the bounds, before the step limit and stabilization.
    ///
    /// The autoscaler reads this from the history: a stage scales in only when it stayed
    /// below the current replicas for the whole stabilization window.
    public var recommendedReplicas: Int
    /// The reason as a code.
    public var reason: ScalingReason
    /// The reason in words, e.g. "ComputePacket: inflow 5.2k/s > capacity 3.9k/s with
    /// 3 replicas, lag 41k rising: scaled 3 -> 5".
    public var explanation: String
    /// The numbers the decision was taken on.
    public var inputs: Inputs

    /// A scaling action.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// Start replicas.
        case scaleOut = "scale-out"
        /// Stop replicas.
        case scaleIn = "scale-in"
        /// Keep the current replicas.
        case hold
    }

    /// The numeric inputs of a decision, carried in its MC packet.
    public struct Inputs: Sendable, Hashable {
        /// The stage's estimates at the time.
        public var estimates: LagEstimates
        /// Messages per second the model wants the stage to handle:
        /// inputRate / targetUtilization + lag / catchUpTarget.
        public var requiredCapacity: Double
        /// Replicas the model wants before any bound, or `nil` while the per-replica rate is unknown.
        public var modelReplicas: Int?
        /// Lowest replicas allowed (the policy's minimum, at most ``maxReplicas``).
        public var minReplicas: Int
        /// Highest replicas allowed: the policy's maximum, capped by the partition count.
        public var maxReplicas: Int
        /// Partitions of the input topic.
        public var partitions: Int

        /// Creates inputs.
        public init(
            estimates: LagEstimates, requiredCapacity: Double, modelReplicas: Int?,
            minReplicas: Int, maxReplicas: Int, partitions: Int
        ) {
            self.estimates = estimates
            self.requiredCapacity = requiredCapacity
            self.modelReplicas = modelReplicas
            self.minReplicas = minReplicas
            self.maxReplicas = maxReplicas
            self.partitions = partitions
        }
    }

    /// Creates a decision; the autoscaler is the usual maker.
    public init(
        stage: String, group: PacketGroup, time: Duration, action: Action,
        currentReplicas: Int, desiredReplicas: Int, recommendedReplicas: Int,
        reason: ScalingReason, explanation: String, inputs: Inputs
    ) {
        self.stage = stage
        self.group = group
        self.time = time
        self.action = action
        self.currentReplicas = currentReplicas
        self.desiredReplicas = desiredReplicas
        self.recommendedReplicas = recommendedReplicas
        self.reason = reason
        self.explanation = explanation
        self.inputs = inputs
    }
}
