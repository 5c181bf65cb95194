import PacketFlowCore
import PacketFlowLanguage
import PacketFlowReactor

/// What the reactor remembers of one deployed stage between sampling rounds.
struct StageState: Sendable {
    var plan: StagePlan
    var worker: WorkerStage
    var upstream: String?
    var window: LagWindow
    var history: ScalingHistory
    var desired: Int
    var manual: Int?
    var lastDecision: String?
    var lastAction: String?
    var lastReason: String?
    var verdict: StabilityVerdict?
    var restarts = 0
    /// When each healing reaction (action + target) was last published.
    var reactedAt: [String: Duration] = [:]
    /// Workers running at the latest sample, and since when that count held.
    var lastRunning = 0
    var runningSince: Duration?
    /// The stage's dead-letter count at recent samples, oldest first, within the storm window.
    var deadLetterSeries: [(time: Duration, count: Int64)] = []
    /// The latest load report of each worker of the stage.
    var loads: [String: WorkerLoadReport] = [:]
    /// Each worker's latest true rate: kept through its idle intervals, which tell none.
    var capacities: [String: Double] = [:]
    /// Whether the stage's workers report their load at all (workers of other versions, or a
    /// reactor that does not read the control topic, leave the stage to lag alone).
    var hasReports = false

    /// Workers that were consuming at the latest sample: with reports, those that reported
    /// (a worker still starting has not yet), else every running one.
    func readyReplicas(running: Int) -> Int {
        hasReports ? min(running, loads.count) : running
    }

    init(plan: StagePlan, worker: WorkerStage, upstream: String?, configuration: AutoscalerConfiguration, desired: Int) {
        self.plan = plan
        self.worker = worker
        self.upstream = upstream
        self.window = LagWindow(configuration: configuration)
        self.history = ScalingHistory()
        self.desired = desired
    }

    /// Adds the stage's dead-letter count at `time`, forgetting samples older than `window`.
    mutating func recordDeadLetters(_ count: Int64, at time: Duration, window: Duration) {
        deadLetterSeries.append((time, count))
        deadLetterSeries.removeAll { $0.time < time - window }
    }

    /// Takes from `current` what commands and reports changed while a sampling round worked on
    /// this copy: a manual override (with its decision words) and the load reports.
    mutating func keepChanges(madeDuringRound current: StageState) {
        if current.manual != manual {
            manual = current.manual
            desired = current.desired
            lastDecision = current.lastDecision
            lastAction = current.lastAction
            lastReason = current.lastReason
        }
        loads = current.loads
        capacities = current.capacities
        hasReports = current.hasReports
    }

    /// Forgets the reports of workers that have not reported within `window` of `now` (gone,
    /// or stuck: either way their figures no longer describe the stage).
    mutating func forgetStaleLoads(nowMilliseconds now: Int64, within window: Duration) {
        let oldest = now - Int64((window / .milliseconds(1)).rounded())
        loads = loads.filter { $0.value.reportedAtMilliseconds >= oldest }
        capacities = capacities.filter { loads[$0.key] != nil }
    }

    /// Keeps `report` as its worker's latest, and its true rate when it tells one.
    mutating func record(_ report: WorkerLoadReport) {
        hasReports = true
        loads[report.worker] = report
        if let capacity = report.capacity { capacities[report.worker] = capacity }
    }

    /// Messages per second one replica handles when busy, as the workers report it: the mean
    /// of their latest true processing rates, nil while none handled enough to tell.
    var reportedCapacity: Double? {
        capacities.isEmpty ? nil : capacities.values.reduce(0, +) / Double(capacities.count)
    }

    /// Dead letters written within the window, counting only those after `resumed` (a resume
    /// ends a storm: what came before it is not held against the stage again).
    func deadLettered(since resumed: Duration?) -> Int {
        let counted = deadLetterSeries.filter { $0.time >= (resumed ?? .zero) }
        guard let first = counted.first, let last = counted.last else { return 0 }
        return Int(max(0, last.count - first.count))
    }

    /// The input the autoscaler decides on.
    func scalingInput(now: Duration, running: Int) -> StageScalingInput {
        StageScalingInput(
            stage: plan.name, group: plan.group, declaredMinReplicas: plan.scaling.min,
            declaredMaxReplicas: plan.scaling.max, partitions: plan.partitions, currentReplicas: running,
            estimates: window.estimates, history: history, now: now)
    }

    /// The replicas a freshly deployed stage starts with: its minimum, at least one, within its partitions.
    static func initialReplicas(for plan: StagePlan) -> Int {
        let policy = StageScalingInput(
            stage: plan.name, group: plan.group, declaredMinReplicas: plan.scaling.min,
            declaredMaxReplicas: plan.scaling.max, partitions: plan.partitions, currentReplicas: 0,
            estimates: LagWindow().estimates, now: .zero
        ).policy
        return min(max(1, policy.minReplicas), max(1, plan.partitions))
    }
}
