/// The parameters of lag sampling and of the autoscaler's model.
///
/// The defaults suit PacketFlow's workers on the embedded broker and are explained in
/// docs/autoscaling.md. Group-specific values (min/max replicas, scale-out factor, the
/// scale-in stabilization window) come from `PacketGroup.properties.scaling`, except the
/// window when ``scaleInStabilization`` overrides it for every stage.
public struct AutoscalerConfiguration: Sendable, Hashable {
    /// How often the sampler reads offsets and the autoscaler decides. Default: 2 s.
    public var samplingInterval: Duration
    /// Samples a ``LagWindow`` keeps. Default: 30 (one minute at the default interval).
    public var windowCapacity: Int
    /// Most recent samples the input and processing rates are measured over. Default: 5
    /// (8 s at the default interval): short enough to see a step within two decisions, long
    /// enough to smooth one late commit.
    public var rateSpan: Int
    /// Weight of a new observation in the per-replica rate's moving average. Default: 0.3.
    public var rateSmoothing: Double
    /// Per-replica processing rate (messages/s) assumed before one is measured, or `nil` to
    /// start unknown (then the autoscaler scales out one step at a time while lag rises).
    /// Default: `nil`.
    public var perReplicaRatePrior: Double?
    /// Stage lag (messages) above which the workers count as busy, so that processing rate
    /// divided by replicas measures their capacity. Default: 100.
    public var busyLagThreshold: Int64
    /// How a partition without a commit is read. Default: ``OffsetResetPolicy/earliest``.
    public var resetPolicy: OffsetResetPolicy
    /// Time in which the autoscaler aims to drain the current lag. Default: 30 s.
    public var catchUpTarget: Duration
    /// Fraction of capacity the input should use in steady state. Default: 0.7 (headroom for
    /// bursts, as in Flink's autoscaler).
    public var targetUtilization: Double
    /// Fraction by which required capacity must exceed the current capacity before the model
    /// adds replicas, so a stage on the edge of a replica count does not scale out on noise
    /// (or on the lag a rebalance just caused). Default: 0.1, the HPA's tolerance.
    public var scaleOutTolerance: Double
    /// Lag (messages) needed to start a stage that has zero replicas. Default: 0.
    public var activationLagThreshold: Int64
    /// Seconds of input that count as normal lag (in flight, not yet committed); more is a
    /// backlog, which blocks scale-in. Default: 5 s.
    public var backlogTolerance: Duration
    /// Smallest lag (messages) ever called a backlog. Default: 100.
    public var minimumBacklog: Int64
    /// Largest fraction of replicas one scale-in may remove (at least one) while the per-replica
    /// rate is inferred from lag; with rates the workers report, a scale-in goes to the
    /// recommendation in one step. Default: 0.5.
    public var scaleInFraction: Double
    /// Shortest time between two scale-ins of one stage, so lag can show the effect of the
    /// first. Default: 30 s.
    public var scaleInInterval: Duration
    /// How long every recommendation must stay below the current replicas before a scale-in
    /// (the HPA's `scaleDown.stabilizationWindowSeconds`; for a stage whose minimum is 0, also
    /// KEDA's `cooldownPeriod` before the last replica stops). Default: `nil`, the group's
    /// window (DF 30 s, CF and ED 300 s, CO, MC and RM 600 s).
    public var scaleInStabilization: Duration?

    /// Creates a configuration; every parameter has the default documented on its property.
    public init(
        samplingInterval: Duration = .seconds(2),
        windowCapacity: Int = 30,
        rateSpan: Int = 5,
        rateSmoothing: Double = 0.3,
        perReplicaRatePrior: Double? = nil,
        busyLagThreshold: Int64 = 100,
        resetPolicy: OffsetResetPolicy = .earliest,
        catchUpTarget: Duration = .seconds(30),
        targetUtilization: Double = 0.7,
        scaleOutTolerance: Double = 0.1,
        activationLagThreshold: Int64 = 0,
        backlogTolerance: Duration = .seconds(5),
        minimumBacklog: Int64 = 100,
        scaleInFraction: Double = 0.5,
        scaleInInterval: Duration = .seconds(30),
        scaleInStabilization: Duration? = nil
    ) {
        self.samplingInterval = samplingInterval
        self.windowCapacity = windowCapacity
        self.rateSpan = rateSpan
        self.rateSmoothing = rateSmoothing
        self.perReplicaRatePrior = perReplicaRatePrior
        self.busyLagThreshold = busyLagThreshold
        self.resetPolicy = resetPolicy
        self.catchUpTarget = catchUpTarget
        self.targetUtilization = targetUtilization
        self.scaleOutTolerance = scaleOutTolerance
        self.activationLagThreshold = activationLagThreshold
        self.backlogTolerance = backlogTolerance
        self.minimumBacklog = minimumBacklog
        self.scaleInFraction = scaleInFraction
        self.scaleInInterval = scaleInInterval
        self.scaleInStabilization = scaleInStabilization
    }
}
