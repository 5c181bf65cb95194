import PacketFlowLanguage

extension KubernetesManifestGenerator {
    /// The Deployment of one stage. It leaves `spec.replicas` out: KEDA's HPA owns the count,
    /// and `kubectl apply` must not reset it.
    func deployment(_ workload: StageWorkload, _ context: Context) -> KubernetesManifest {
        let stage = workload.stage
        let selector = selectorLabels(moleculeLabel: context.moleculeLabel, stageLabel: workload.stageLabel)
        let annotations: ManifestValue = [
            "packetflow.dev/molecule-name": .string(context.plan.molecule),
            "packetflow.dev/stage-name": .string(stage.name),
            "packetflow.dev/packets": .string(stage.packets.map(\.name).joined(separator: ",")),
            "packetflow.dev/consumer-group": .string(stage.consumerGroup),
            "packetflow.dev/input-topics": .string(stage.inputTopics.joined(separator: ",")),
            "packetflow.dev/drain-seconds": .string(String(Int(workload.drainTime.components.seconds))),
        ]
        let value: ManifestValue = [
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": metadata(name: workload.objectName, labels: labels(context, stage: workload), annotations: annotations),
            "spec": [
                "revisionHistoryLimit": 3,
                "selector": ["matchLabels": selector],
                // One extra consumer while rolling, never one fewer: lag does not grow during a rollout.
                "strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": 1, "maxUnavailable": 0]],
                "template": [
                    "metadata": [
                        "labels": labels(context, stage: workload),
                        "annotations": ["packetflow.dev/molecule-checksum": .string(context.layout.checksum)],
                    ],
                    "spec": podSpec(workload, context),
                ],
            ],
        ]
        return KubernetesManifest(apiVersion: "apps/v1", kind: "Deployment", name: workload.objectName, value: value)
    }

    private func podSpec(_ workload: StageWorkload, _ context: Context) -> ManifestValue {
        .object(omittingNil: [
            "automountServiceAccountToken": false,
            "terminationGracePeriodSeconds": .integer(workload.terminationGracePeriodSeconds),
            "securityContext": [
                "runAsNonRoot": true,
                "runAsUser": .integer(Self.runAsUser),
                "runAsGroup": .integer(Self.runAsUser),
                "seccompProfile": ["type": "RuntimeDefault"],
            ],
            "affinity": affinity(workload, context),
            "containers": [container(workload, context)],
            "volumes": [
                [
                    "name": "molecule",
                    "configMap": [
                        "name": .string(context.configMapName),
                        "items": .list(context.layout.entries.map { ["key": .string($0.key), "path": .string($0.path)] }),
                    ],
                ],
                ["name": "tmp", "emptyDir": [:]],
            ],
        ])
    }

    private func container(_ workload: StageWorkload, _ context: Context) -> ManifestValue {
        .object(omittingNil: [
            "name": "worker",
            "image": .string(configuration.image),
            "imagePullPolicy": .string(configuration.imagePullPolicy),
            "args": [
                "worker",
                "--molecule", .string(Self.moleculeMountPath + "/" + context.layout.rootPath),
                "--molecule-name", .string(context.plan.molecule),
                "--stage", .string(workload.stage.name),
            ],
            "envFrom": [
                ["configMapRef": ["name": .string(configuration.kafkaConfigMap)]],
                ["secretRef": ["name": .string(configuration.kafkaSecret), "optional": true]],
            ],
            "resources": resources(workload),
            "securityContext": [
                "allowPrivilegeEscalation": false,
                "readOnlyRootFilesystem": true,
                "capabilities": ["drop": ["ALL"]],
            ],
            "volumeMounts": [
                ["name": "molecule", "mountPath": .string(Self.moleculeMountPath), "readOnly": true],
                ["name": "tmp", "mountPath": "/tmp"],
            ],
        ])
    }

    /// Requests and limits from the packets' declarations: limits equal requests, so a stage
    /// that declares both runs in the Guaranteed QoS class and is never evicted for another
    /// pod's burst. Nothing declared: no resources block (BestEffort).
    private func resources(_ workload: StageWorkload) -> ManifestValue? {
        let amounts = ManifestValue.object(omittingNil: [
            "cpu": workload.cpu.map { .string(ResourceQuantity.cpu($0)) },
            "memory": workload.memoryBytes.map { .string(ResourceQuantity.memory($0)) },
        ])
        guard amounts.keys?.isEmpty == false else { return nil }
        return ["requests": amounts, "limits": amounts]
    }

    private func affinity(_ workload: StageWorkload, _ context: Context) -> ManifestValue {
        let placement: ManifestValue = [
            "matchExpressions": [
                [
                    "key": .string(KubernetesDeployConfiguration.placementLabel),
                    "operator": "In",
                    "values": [.string(workload.stage.placement.rawValue)],
                ],
            ],
        ]
        let nodeAffinity: ManifestValue =
            switch configuration.placement {
            case .preferred:
                ["preferredDuringSchedulingIgnoredDuringExecution": [["weight": 100, "preference": placement]]]
            case .required:
                ["requiredDuringSchedulingIgnoredDuringExecution": ["nodeSelectorTerms": [placement]]]
            }
        let partners = weakBondPartners(of: workload.stage.name, in: context.plan)
        let podAffinity: ManifestValue? = partners.isEmpty ? nil : [
            "preferredDuringSchedulingIgnoredDuringExecution": .list(partners.map { partner in
                [
                    "weight": 50,
                    "podAffinityTerm": [
                        "labelSelector": [
                            "matchLabels": selectorLabels(
                                moleculeLabel: context.moleculeLabel, stageLabel: context.stageLabels[partner] ?? partner),
                        ],
                        "topologyKey": "kubernetes.io/hostname",
                    ],
                ]
            }),
        ]
        return .object(omittingNil: ["nodeAffinity": nodeAffinity, "podAffinity": podAffinity])
    }

    /// The other stages `stage` has weak bonds with, sorted, each once.
    func weakBondPartners(of stage: String, in plan: TopologyPlan) -> [String] {
        let partners = plan.placementHints.flatMap { hint in
            hint.stages.contains(stage) ? hint.stages.filter { $0 != stage } : []
        }
        return Array(Set(partners)).sorted()
    }
}
