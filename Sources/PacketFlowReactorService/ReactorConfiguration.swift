import PacketFlowReactor

/// The reactor's settings: sampling, the autoscaler's model, health thresholds, files.
public struct ReactorConfiguration: Sendable {
    /// The autoscaler's parameters; its `samplingInterval` is how often the reactor samples
    /// and decides. Default: the model's defaults (2 s).
    public var autoscaler: AutoscalerConfiguration
    /// The health thresholds. Default: StageHealth's defaults.
    public var health: StageHealthConfiguration
    /// Where the reactor writes molecule files for its workers (`molecules/NAME.pf`).
    public var stateDirectory: String
    /// Shortest time between two published healing reactions of the same kind for one
    /// stage. Default: 30 s.
    public var reactionInterval: Duration
    /// How long a stage's worker count must have held before a stall restarts its workers:
    /// joining a group (a rebalance) commits nothing for seconds, which no restart cures.
    /// Default: 30 s.
    public var restartGrace: Duration

    /// A configuration with the defaults documented on each property.
    public init(stateDirectory: String) {
        self.autoscaler = AutoscalerConfiguration()
        self.health = StageHealthConfiguration()
        self.stateDirectory = stateDirectory
        self.reactionInterval = .seconds(30)
        self.restartGrace = .seconds(30)
    }
}
