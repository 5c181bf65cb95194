import PacketFlowCore
import PacketFlowLanguage

/// Turns a molecule's plan into the Kubernetes objects that run it, scaled by KEDA.
///
/// For a plan it makes, in this order:
/// - a ConfigMap `<molecule>-molecule` with the molecule's files, mounted read-only at
///   ``moleculeMountPath`` in every worker;
/// - per stage, a Deployment `<molecule>-<stage>` running `packetflow worker` for the stage
///   (covalent packets share its one container), with resources from the packets'
///   declarations, node affinity to the stage's placement class, preferred pod affinity to
///   the stages it has weak bonds with, and a termination grace period longer than its drain time;
/// - per stage, a KEDA ScaledObject of the same name whose `metrics-api` trigger reads the
///   reactor's desired replicas (``DesiredReplicasResponse``), within the stage's scaling
///   bounds, falling back to the maximum when the reactor does not answer.
///
/// Pure and deterministic: the same plan, files and configuration give equal manifests.
/// docs/operations.md describes every object and field.
public struct KubernetesManifestGenerator: Sendable {
    /// Where the molecule's files are mounted in a worker: `/etc/packetflow/molecule`.
    public static let moleculeMountPath = "/etc/packetflow/molecule"
    /// The user and group id the workers run as; the image's `packetflow` user.
    public static let runAsUser = 10001

    /// The namespace, image, reactor and policies the manifests use.
    public let configuration: KubernetesDeployConfiguration

    /// A generator with `configuration`.
    public init(configuration: KubernetesDeployConfiguration) {
        self.configuration = configuration
    }

    /// The manifests of `plan`, whose molecule is made of `files` (the root file first).
    ///
    /// Throws ``DeployError`` when names collide once made DNS-safe, when the configuration
    /// holds a value Kubernetes rejects, or when the files cannot share one volume.
    public func manifests(for plan: TopologyPlan, files: [MoleculeSourceFile]) throws(DeployError) -> [KubernetesManifest] {
        try validateConfiguration()
        guard let moleculeLabel = KubernetesName.label(plan.molecule) else {
            throw DeployError(.invalidName, "molecule \(plan.molecule) has no letter or digit to name its objects with")
        }
        let layout = try MoleculeVolumeLayout(files)
        var workloads: [StageWorkload] = []
        var owners: [String: String] = [:]
        for stage in plan.stages {
            let workload = try StageWorkload(stage: stage, molecule: plan.molecule, configuration: configuration)
            for name in [workload.objectName, workload.stageLabel] {
                if let other = owners[name] {
                    throw DeployError(
                        .nameCollision,
                        "stages \(other) and \(stage.name) both become \(name) in Kubernetes; rename one of the packets")
                }
                owners[name] = stage.name
            }
            workloads.append(workload)
        }
        let context = Context(
            plan: plan, moleculeLabel: moleculeLabel, layout: layout,
            configMapName: moleculeLabel + "-molecule",
            stageLabels: Dictionary(uniqueKeysWithValues: workloads.map { ($0.stage.name, $0.stageLabel) }))

        var manifests = [moleculeConfigMap(context)]
        for workload in workloads {
            manifests.append(deployment(workload, context))
            manifests.append(scaledObject(workload, context))
        }
        return manifests
    }

    /// What every manifest of one plan shares.
    struct Context {
        var plan: TopologyPlan
        var moleculeLabel: String
        var layout: MoleculeVolumeLayout
        var configMapName: String
        /// The DNS label of each stage, by stage name.
        var stageLabels: [String: String]
    }

    /// Labels every object of the molecule carries; `stage` adds the stage's own.
    func labels(_ context: Context, stage workload: StageWorkload? = nil) -> ManifestValue {
        var fields: [ManifestValue.Field] = [
            .init("app.kubernetes.io/name", workload == nil ? "packetflow-molecule" : "packetflow-worker"),
            .init("app.kubernetes.io/part-of", .string(context.moleculeLabel)),
            .init("app.kubernetes.io/managed-by", "packetflow"),
            .init("packetflow.dev/molecule", .string(context.moleculeLabel)),
        ]
        if let workload {
            fields.insert(.init("app.kubernetes.io/instance", .string(workload.objectName)), at: 1)
            fields.insert(.init("app.kubernetes.io/component", "worker"), at: 2)
            fields += [
                .init("packetflow.dev/stage", .string(workload.stageLabel)),
                .init("packetflow.dev/group", .string(workload.stage.group.symbol)),
                .init(KubernetesDeployConfiguration.placementLabel, .string(workload.stage.placement.rawValue)),
            ]
        }
        return .object(fields)
    }

    /// The labels a stage's Deployment selects its pods by, and that weak bonds point at.
    func selectorLabels(moleculeLabel: String, stageLabel: String) -> ManifestValue {
        ["packetflow.dev/molecule": .string(moleculeLabel), "packetflow.dev/stage": .string(stageLabel)]
    }

    func metadata(name: String, labels: ManifestValue, annotations: ManifestValue? = nil) -> ManifestValue {
        .object(omittingNil: [
            "name": .string(name),
            "namespace": .string(configuration.namespace),
            "labels": labels,
            "annotations": annotations,
        ])
    }

    private func moleculeConfigMap(_ context: Context) -> KubernetesManifest {
        let value: ManifestValue = [
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata(
                name: context.configMapName, labels: labels(context),
                annotations: [
                    "packetflow.dev/molecule-name": .string(context.plan.molecule),
                    "packetflow.dev/molecule-checksum": .string(context.layout.checksum),
                ]),
            "data": .object(context.layout.entries.map { .init($0.key, .string($0.text)) }),
        ]
        return KubernetesManifest(apiVersion: "v1", kind: "ConfigMap", name: context.configMapName, value: value)
    }

    private func validateConfiguration() throws(DeployError) {
        guard KubernetesName.isValidLabel(configuration.namespace) else {
            throw DeployError(
                .invalidConfiguration,
                "namespace \"\(configuration.namespace)\" is not a DNS-1123 label (lower-case letters, digits, '-', at most 63)")
        }
        guard KubernetesName.isValidLabel(configuration.reactor.namespace), KubernetesName.isValidLabel(configuration.reactor.service) else {
            throw DeployError(.invalidConfiguration, "reactor Service \(configuration.reactor.service).\(configuration.reactor.namespace) is not made of DNS-1123 labels")
        }
        guard !configuration.image.isEmpty, !configuration.image.contains(where: \.isWhitespace) else {
            throw DeployError(.invalidConfiguration, "image \"\(configuration.image)\" is empty or holds spaces")
        }
        guard ["Always", "IfNotPresent", "Never"].contains(configuration.imagePullPolicy) else {
            throw DeployError(.invalidConfiguration, "imagePullPolicy must be Always, IfNotPresent or Never, not \(configuration.imagePullPolicy)")
        }
        guard configuration.fallbackFailureThreshold >= 1, configuration.pollingInterval >= .seconds(1) else {
            throw DeployError(.invalidConfiguration, "KEDA needs a polling interval of at least 1 s and a fallback threshold of at least 1")
        }
    }
}
