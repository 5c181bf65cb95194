import PacketFlowReactor

extension KubernetesManifestGenerator {
    /// The KEDA ScaledObject of one stage: its replicas are the reactor's decision.
    ///
    /// The `metrics-api` trigger polls the reactor's desired-replicas endpoint every
    /// `pollingInterval` and reads ``DesiredReplicasResponse/valueLocation``. With
    /// `metricType: AverageValue` and `targetValue: "1"` the HPA sets
    /// replicas = ceil(desiredReplicas / 1): the reactor's number. The HPA's own stabilization
    /// is switched off (window 0; per 15 s, 100% or up to the maximum, both ways) because the reactor already
    /// stabilizes and limits its steps; scaling twice would lag behind the model.
    /// After `fallbackFailureThreshold` failed polls KEDA runs the stage's maximum (fallback
    /// works only with `AverageValue`, hence that metric type). The maximum is the stage's
    /// scaling maximum capped by its partitions, as the reactor caps it.
    func scaledObject(_ workload: StageWorkload, _ context: Context) -> KubernetesManifest {
        let stage = workload.stage
        let everyPoll = Int(configuration.pollingInterval.components.seconds)
        // Percent alone would double from 1 replica per period; the Pods policy lets one
        // period reach any count up to the maximum (the HPA takes the larger policy).
        let unrestrained: ManifestValue = [
            "stabilizationWindowSeconds": 0,
            "selectPolicy": "Max",
            "policies": [
                ["type": "Percent", "value": 100, "periodSeconds": 15],
                ["type": "Pods", "value": .integer(workload.maxReplicas), "periodSeconds": 15],
            ],
        ]
        let value: ManifestValue = [
            "apiVersion": "keda.sh/v1alpha1",
            "kind": "ScaledObject",
            "metadata": metadata(
                name: workload.objectName, labels: labels(context, stage: workload),
                annotations: [
                    "packetflow.dev/molecule-name": .string(context.plan.molecule),
                    "packetflow.dev/stage-name": .string(stage.name),
                ]),
            "spec": [
                "scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(workload.objectName)],
                "pollingInterval": .integer(everyPoll),
                "minReplicaCount": .integer(stage.scaling.min),
                "maxReplicaCount": .integer(workload.maxReplicas),
                "fallback": [
                    "failureThreshold": .integer(configuration.fallbackFailureThreshold),
                    "replicas": .integer(workload.maxReplicas),
                ],
                "advanced": [
                    "horizontalPodAutoscalerConfig": [
                        "behavior": ["scaleUp": unrestrained, "scaleDown": unrestrained],
                    ],
                ],
                "triggers": [
                    [
                        "type": "metrics-api",
                        "name": "reactor-desired-replicas",
                        "metricType": "AverageValue",
                        "metadata": [
                            "url": .string(configuration.reactor.desiredReplicasURL(molecule: context.plan.molecule, stage: stage.name)),
                            "format": "json",
                            "valueLocation": .string(DesiredReplicasResponse.valueLocation),
                            "targetValue": "1",
                        ],
                    ],
                ],
            ],
        ]
        return KubernetesManifest(apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", name: workload.objectName, value: value)
    }
}
