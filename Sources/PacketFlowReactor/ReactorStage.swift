import PacketFlowCore

/// What the reactor remembers of one deployed stage, and its decision step: a value type the
/// service keeps per stage and advances with ``step(_:)`` every sampling round.
///
/// Pure: it reads no clock and does no I/O. The service observes (the stage's workers, its
/// offsets, dead letters and pauses), calls ``step(_:)`` and carries out the ``Effect``s it
/// returns (scaling, restarts, pauses, control-topic messages, metrics), so every rule here is
/// tested with plain values. Commands and load reports are recorded between rounds with
/// ``obey(replicas:)`` and ``record(_:)``.
public struct ReactorStage: Sendable {
    /// The stage's name.
    public let name: String
    /// Its group: the periodic table's scaling and health rules.
    public let group: PacketGroup
    /// Replica bounds the molecule declares, overriding the group's.
    public let declaredMinReplicas: Int?
    public let declaredMaxReplicas: Int?
    /// Partitions of its input topic.
    public let partitions: Int
    /// The stage feeding it, if any (a dead-letter storm here pauses that one).
    public let upstream: String?
    /// The rules' parameters.
    public let rules: Rules

    /// Lag samples and the rates measured from them.
    public internal(set) var window: LagWindow
    /// Recent decisions.
    public internal(set) var history = ScalingHistory()
    /// Replicas the stage should run.
    public internal(set) var desired: Int
    /// Replicas a manual override pins, nil while the autoscaler decides.
    public internal(set) var manual: Int?
    /// The latest decision in words, its action and reason.
    public internal(set) var lastDecision: String?
    public internal(set) var lastAction: String?
    public internal(set) var lastReason: String?
    /// The latest health verdict.
    public internal(set) var verdict: StabilityVerdict?
    /// Worker restarts the scaler counts in its recent period.
    public internal(set) var restarts = 0
    /// What the stages feeding this one pass on in steady state, as last observed.
    public internal(set) var sustainedInputRate: Double?
    /// The latest load report of each worker, and its latest true rates (kept through its idle
    /// intervals, which tell none).
    public internal(set) var loads: [String: WorkerLoadReport] = [:]
    var capacities: [String: [Double]] = [:]
    /// Whether the stage's workers report their load at all.
    public internal(set) var hasReports = false
    /// When each healing reaction (action + target) was last carried out.
    var reactedAt: [String: Duration] = [:]
    /// Workers running at the latest round, and since when that count held.
    var lastRunning = 0
    var runningSince: Duration?
    /// The stage's dead-letter count at recent rounds, oldest first, within the storm window.
    var deadLetterSeries: [(time: Duration, count: Int64)] = []

    /// The parameters of the rules the step applies besides the autoscaler's.
    public struct Rules: Sendable {
        /// The model that sizes the stage.
        public var autoscaler: Autoscaler
        /// The health judge.
        public var health: StageHealth
        /// Shortest time between two reactions of one kind to one target. Default: 30 s.
        public var reactionInterval: Duration = .seconds(30)
        /// How long after workers start (or their count changes) a stall is not theirs: joining
        /// pauses consumption. Default: 30 s.
        public var restartGrace: Duration = .seconds(30)
        /// How long a worker's load report counts: a few report intervals. Default: 10 s.
        public var loadReportLifetime: Duration = .seconds(10)
        /// How long the stage waits for its workers' first report before it decides on lag
        /// alone (workers of versions that do not report). Default: 10 s.
        public var firstReportGrace: Duration = .seconds(10)
        /// The span over which dead letters make a storm. Default: 60 s.
        public var deadLetterWindow: Duration = .seconds(60)

        /// Rules with the given autoscaler and health judge, the rest at their defaults.
        public init(autoscaler: Autoscaler, health: StageHealth) {
            self.autoscaler = autoscaler
            self.health = health
        }
    }

    /// Creates the memory of a freshly deployed stage that should run `desired` replicas.
    public init(
        name: String, group: PacketGroup, declaredMinReplicas: Int?, declaredMaxReplicas: Int?, partitions: Int,
        upstream: String?, rules: Rules, desired: Int, manual: Int? = nil
    ) {
        self.name = name
        self.group = group
        self.declaredMinReplicas = declaredMinReplicas
        self.declaredMaxReplicas = declaredMaxReplicas
        self.partitions = partitions
        self.upstream = upstream
        self.rules = rules
        self.window = LagWindow(configuration: rules.autoscaler.configuration)
        self.desired = desired
        self.manual = manual
    }

    /// The replicas a freshly deployed stage starts with: its minimum, at least one, within its partitions.
    public static func initialReplicas(group: PacketGroup, declaredMinReplicas: Int?, declaredMaxReplicas: Int?, partitions: Int) -> Int {
        let policy = StageScalingInput(
            stage: "", group: group, declaredMinReplicas: declaredMinReplicas, declaredMaxReplicas: declaredMaxReplicas,
            partitions: partitions, currentReplicas: 0, estimates: LagWindow().estimates, now: .zero
        ).policy
        return min(max(1, policy.minReplicas), max(1, partitions))
    }

    // MARK: Between rounds

    /// Keeps `report` as its worker's latest, and its true rate when it tells one.
    public mutating func record(_ report: WorkerLoadReport) {
        hasReports = true
        loads[report.worker] = report
        if let capacity = report.capacity { capacities[report.worker, default: []] = (capacities[report.worker, default: []] + [capacity]).suffix(3) }
    }

    /// Pins the stage at `replicas` (capped at its partitions), or lifts the pin (nil): the
    /// words of the decision, and the replicas to scale to now.
    public mutating func obey(replicas: Int?) -> (words: String, desired: Int) {
        let words: String
        if let replicas {
            let target = min(max(0, replicas), max(1, partitions))
            words = "\(name): manual override: scaled \(desired) -> \(target)"
                + (target != replicas ? " (capped at \(partitions) partitions)" : "")
            manual = target
            desired = target
        } else {
            manual = nil
            words = "\(name): manual override lifted: the autoscaler decides again"
        }
        lastDecision = words
        lastAction = "manual"
        lastReason = "manual-override"
        return (words, desired)
    }

    /// The window's estimates with the sustained input rate of the stages feeding this one.
    public var estimates: LagEstimates {
        var estimates = window.estimates
        estimates.sustainedInputRate = sustainedInputRate
        return estimates
    }

    /// Outputs per input the stage's workers reported over their latest intervals (a filter
    /// passes on fewer, a fan-out more), nil before any input was reported.
    public var outputsPerInput: Double? {
        let (inputs, outputs) = loads.values.reduce((0, 0)) { ($0.0 + $1.packetsIn, $0.1 + $1.packetsOut) }
        return inputs > 0 ? Double(outputs) / Double(inputs) : nil
    }

    /// What this stage passes on in steady state: its lasting input rate times its outputs
    /// per input; nil while either is unknown.
    public var sustainedOutputRate: Double? {
        guard let outputsPerInput, window.samples.count >= 2 else { return nil }
        return estimates.lastingInputRate * outputsPerInput
    }

    /// Messages per second one replica handles when busy, as the workers report it: the mean
    /// over the workers of the best of each one's last three true rates (a worker starved of
    /// CPU for an interval, or busy with a batch that ends in the next, reads low once), nil
    /// while none handled enough to tell.
    public var reportedCapacity: Double? {
        let best = capacities.values.compactMap { $0.max() }
        return best.isEmpty ? nil : best.reduce(0, +) / Double(best.count)
    }

    /// Whether the workers are about to tell their capacity: they report but none has been
    /// busy enough yet, or no report has come since they started, within the grace.
    func awaitsCapacity(at time: Duration) -> Bool {
        hasReports ? reportedCapacity == nil : time - (runningSince ?? time) < rules.firstReportGrace
    }

    /// Dead letters written within the storm window, counting only those after `resumed` (a
    /// resume ends a storm: what came before it is not held against the stage again).
    public func deadLettered(since resumed: Duration?) -> Int {
        let counted = deadLetterSeries.filter { $0.time >= (resumed ?? .zero) }
        guard let first = counted.first, let last = counted.last else { return 0 }
        return Int(max(0, last.count - first.count))
    }

    /// The input the autoscaler decides on, with `running` replicas at `now`.
    public func scalingInput(now: Duration, running: Int) -> StageScalingInput {
        StageScalingInput(
            stage: name, group: group, declaredMinReplicas: declaredMinReplicas, declaredMaxReplicas: declaredMaxReplicas,
            partitions: partitions, currentReplicas: running, estimates: estimates, history: history, now: now)
    }
}
