import PacketFlowCore
import PacketFlowLanguage

/// What Kubernetes runs for one stage of a plan, derived once and read by every manifest of it.
///
/// Covalent packets are already one stage in the plan (one worker process), so they share
/// one container of one pod; its resources are the sum of their declarations.
struct StageWorkload: Hashable {
    /// The stage as planned.
    var stage: StagePlan
    /// The Deployment's and ScaledObject's name: `<molecule>-<stage>` as DNS-1123.
    var objectName: String
    /// The stage's name as a DNS-1123 label, the value of `packetflow.dev/stage`.
    var stageLabel: String
    /// CPU cores the stage's packets declare together, `nil` when none declares any.
    var cpu: Double?
    /// Memory bytes the stage's packets declare together, `nil` when none declares any.
    var memoryBytes: Int64?
    /// The most replicas KEDA may run: the stage's scaling maximum, capped by its partitions
    /// (a consumer beyond the partitions gets none and idles), never below the minimum.
    var maxReplicas: Int
    /// Longest time a worker needs to drain after SIGTERM: its longest handler call plus
    /// flushing and committing.
    var drainTime: Duration
    /// `terminationGracePeriodSeconds`: the drain time plus the margin, in whole seconds, rounded up.
    var terminationGracePeriodSeconds: Int

    init(stage: StagePlan, molecule: String, configuration: KubernetesDeployConfiguration) throws(DeployError) {
        guard let objectName = KubernetesName.joined([molecule, stage.name]),
              let stageLabel = KubernetesName.label(stage.name)
        else {
            throw DeployError(.invalidName, "stage \(stage.name) of \(molecule) has no letter or digit to name its objects with")
        }
        guard stage.scaling.max >= 1, stage.scaling.min >= 0, stage.scaling.min <= stage.scaling.max else {
            throw DeployError(
                .invalidConfiguration,
                "stage \(stage.name) scales from \(stage.scaling.min) to \(stage.scaling.max) replicas; KEDA needs 0 <= min <= max and max >= 1")
        }
        self.stage = stage
        self.objectName = objectName
        self.stageLabel = stageLabel
        self.maxReplicas = max(stage.scaling.min, min(stage.scaling.max, stage.partitions))
        let cpus = stage.packets.compactMap(\.resources.cpu)
        let memories = stage.packets.compactMap(\.resources.memoryBytes)
        self.cpu = cpus.isEmpty ? nil : cpus.reduce(0, +)
        self.memoryBytes = memories.isEmpty ? nil : memories.reduce(0, +)
        self.drainTime = stage.timeout + configuration.flushAllowance
        let grace = drainTime + configuration.terminationMargin
        let (seconds, attoseconds) = grace.components
        self.terminationGracePeriodSeconds = Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}
