import PacketFlowLanguage
import PacketFlowReactor

/// What the reactor service keeps of one deployed stage: its plan, its workers' identity and
/// the pure model that decides for it (``ReactorStage``).
struct StageState: Sendable {
    var plan: StagePlan
    var worker: WorkerStage
    var model: ReactorStage

    init(plan: StagePlan, worker: WorkerStage, upstream: String?, rules: ReactorStage.Rules, desired: Int, manual: Int?) {
        self.plan = plan
        self.worker = worker
        self.model = ReactorStage(
            name: plan.name, group: plan.group, declaredMinReplicas: plan.scaling.min, declaredMaxReplicas: plan.scaling.max,
            partitions: plan.partitions, upstream: upstream, rules: rules, desired: desired, manual: manual)
    }

    /// The replicas a freshly deployed stage starts with: its minimum, at least one, within its partitions.
    static func initialReplicas(for plan: StagePlan) -> Int {
        ReactorStage.initialReplicas(
            group: plan.group, declaredMinReplicas: plan.scaling.min, declaredMaxReplicas: plan.scaling.max, partitions: plan.partitions)
    }
}
