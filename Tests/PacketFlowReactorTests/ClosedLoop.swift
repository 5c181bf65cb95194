import PacketFlowCore
import PacketFlowReactor

/// A stage under load in a loop with the autoscaler: offsets evolve, the window samples them,
/// the autoscaler decides, and its decision takes effect at once (workers start instantly).
///
/// Input is spread evenly over the partitions; the replicas together handle
/// `perReplicaRate` messages per second each, drawn from the partitions in proportion to
/// their backlog.
struct ClosedLoop {
    var group: PacketGroup
    var partitions: Int
    var perReplicaRate: Double
    var replicas: Int
    var configuration: AutoscalerConfiguration
    private(set) var decisions: [ScalingDecision] = []
    private(set) var lags: [Int64] = []
    private var window: LagWindow
    private var history = ScalingHistory()
    private var produced: [Double]
    private var consumed: [Double]

    init(
        group: PacketGroup, partitions: Int, perReplicaRate: Double, replicas: Int,
        configuration: AutoscalerConfiguration = .init()
    ) {
        self.group = group
        self.partitions = partitions
        self.perReplicaRate = perReplicaRate
        self.replicas = replicas
        self.configuration = configuration
        self.window = LagWindow(configuration: configuration)
        self.produced = Array(repeating: 0, count: partitions)
        self.consumed = Array(repeating: 0, count: partitions)
    }

    /// Runs from `start` to `end` seconds, one sample and decision per sampling interval.
    mutating func run(from start: Int, to end: Int, inputRate: (Int) -> Double) {
        let step = Int(configuration.samplingInterval.components.seconds)
        let autoscaler = Autoscaler(configuration: configuration)
        for second in stride(from: start, to: end, by: step) {
            advance(seconds: Double(step), inputRate: inputRate(second))
            let time = second + step
            window.append(
                StageSample(
                    time: .seconds(time), readyReplicas: replicas,
                    partitions: (0..<partitions).map {
                        PartitionLagSample(
                            partition: Int32($0), lowWatermark: 0, highWatermark: Int64(produced[$0]),
                            committedOffset: Int64(consumed[$0]))
                    }))
            let decision = autoscaler.decide(
                StageScalingInput(
                    stage: "Stage", group: group, partitions: partitions,
                    currentReplicas: replicas, estimates: window.estimates, history: history, now: .seconds(time)))
            history.record(decision)
            decisions.append(decision)
            lags.append(decision.inputs.estimates.lag)
            replicas = decision.desiredReplicas
        }
    }

    private mutating func advance(seconds: Double, inputRate: Double) {
        for index in produced.indices { produced[index] += inputRate * seconds / Double(partitions) }
        let budget = Double(min(replicas, partitions)) * perReplicaRate * seconds
        let waiting = zip(produced, consumed).map { $0 - $1 }
        let total = waiting.reduce(0, +)
        guard total > 0 else { return }
        // Every partition drains in proportion to its backlog.
        let fraction = min(1, budget / total)
        for index in consumed.indices { consumed[index] += waiting[index] * fraction }
    }

    /// The scale events (decisions that changed replicas), in order.
    var scaleEvents: [ScalingDecision] { decisions.filter { $0.action != .hold } }
}
