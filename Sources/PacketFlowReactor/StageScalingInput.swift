import PacketFlowCore

/// Everything the autoscaler needs to decide for one stage at one moment.
///
/// The caller gathers it: the stage's group and any bounds its molecule declares, the
/// partition count of its input topic, the replicas it runs now (requested ones, including
/// those still starting), the estimates of its ``LagWindow``, its ``ScalingHistory`` and the
/// current time as an offset from the same origin as the samples.
public struct StageScalingInput: Sendable, Hashable {
    /// The stage's name, e.g. "ComputePacket".
    public var stage: String
    /// The stage's group; its periodic table row gives the scaling policy.
    public var group: PacketGroup
    /// Minimum replicas the molecule declares for this stage, overriding the group's.
    public var declaredMinReplicas: Int?
    /// Maximum replicas the molecule declares, overriding the group's (CO, MC and RM stages
    /// run one replica unless this says more).
    public var declaredMaxReplicas: Int?
    /// Partitions of the stage's input topic.
    public var partitions: Int
    /// Replicas the stage runs or is starting now.
    public var currentReplicas: Int
    /// The stage's lag and rates.
    public var estimates: LagEstimates
    /// The stage's recent decisions.
    public var history: ScalingHistory
    /// The time of the decision, as an offset from the samples' origin.
    public var now: Duration

    /// Creates an input.
    public init(
        stage: String,
        group: PacketGroup,
        declaredMinReplicas: Int? = nil,
        declaredMaxReplicas: Int? = nil,
        partitions: Int,
        currentReplicas: Int,
        estimates: LagEstimates,
        history: ScalingHistory = .init(),
        now: Duration
    ) {
        self.stage = stage
        self.group = group
        self.declaredMinReplicas = declaredMinReplicas
        self.declaredMaxReplicas = declaredMaxReplicas
        self.partitions = partitions
        self.currentReplicas = currentReplicas
        self.estimates = estimates
        self.history = history
        self.now = now
    }

    /// The group's scaling policy with the declared bounds applied.
    ///
    /// A declared minimum above the maximum raises the maximum to it.
    public var policy: GroupProperties.ScalingPolicy {
        var policy = group.properties.scaling
        if let declaredMinReplicas { policy.minReplicas = max(0, declaredMinReplicas) }
        if let declaredMaxReplicas { policy.maxReplicas = max(1, declaredMaxReplicas) }
        policy.maxReplicas = max(policy.maxReplicas, policy.minReplicas)
        return policy
    }
}
