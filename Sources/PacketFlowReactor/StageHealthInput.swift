import PacketFlowCore

/// What the health evaluator judges one stage on.
///
/// `samples` are the stage's recent offset samples (``LagWindow/samples``), oldest first;
/// the counts come from the workers' reports over the last minute, and `restarts` from the
/// process scaler over its recent period.
public struct StageHealthInput: Sendable, Hashable {
    /// The stage's name.
    public var stage: String
    /// The stage's group.
    public var group: PacketGroup
    /// The stage feeding this one, paused on a dead-letter storm; `nil` for a first stage.
    public var upstreamStage: String?
    /// Recent offset samples, oldest first.
    public var samples: [StageSample]
    /// Workers of the stage running now.
    public var runningReplicas: Int
    /// Handler calls in the last minute.
    public var handledLastMinute: Int
    /// Handler calls that failed in the last minute (retried or not).
    public var failedLastMinute: Int
    /// Packets sent to the dead-letter topic in the last minute.
    public var deadLetteredLastMinute: Int
    /// Worker restarts in the recent period.
    public var restarts: Int
    /// Workers that keep exiting soon after they start.
    public var crashLooping: Int
    /// The time of the evaluation, as an offset from the samples' origin.
    public var now: Duration

    /// Creates an input; counts default to zero.
    public init(
        stage: String,
        group: PacketGroup,
        upstreamStage: String? = nil,
        samples: [StageSample],
        runningReplicas: Int,
        handledLastMinute: Int = 0,
        failedLastMinute: Int = 0,
        deadLetteredLastMinute: Int = 0,
        restarts: Int = 0,
        crashLooping: Int = 0,
        now: Duration
    ) {
        self.stage = stage
        self.group = group
        self.upstreamStage = upstreamStage
        self.samples = samples
        self.runningReplicas = runningReplicas
        self.handledLastMinute = handledLastMinute
        self.failedLastMinute = failedLastMinute
        self.deadLetteredLastMinute = deadLetteredLastMinute
        self.restarts = restarts
        self.crashLooping = crashLooping
        self.now = now
    }
}
