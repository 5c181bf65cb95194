import Foundation
import PacketFlowDeploy
import PacketFlowReactor
import Testing

@Suite("KEDA ScaledObjects driven by the reactor")
struct ScaledObjectTests {
    @Test("Each stage's ScaledObject scales its Deployment within the stage's bounds", arguments: [
        ("processing-pipeline-validate-packet", "ValidatePacket", 1, 6),  // CF defaults
        ("processing-pipeline-compute-packet", "ComputePacket", 1, 8),    // declared scale { min: 1, max: 8 }
        ("processing-pipeline-save-packet", "SavePacket", 1, 6),
    ])
    func bounds(name: String, stage: String, min: Int, max: Int) throws {
        let manifests = try DeployFixtures.manifests("examples/processing-pipeline.pf")
        let spec = try #require(manifests.first(kind: "ScaledObject", name: name)?.value["spec"])
        #expect(spec["scaleTargetRef"] == ["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(name)])
        #expect(manifests.first(kind: "Deployment", name: name) != nil)
        #expect(spec["minReplicaCount"]?.integerValue == min)
        #expect(spec["maxReplicaCount"]?.integerValue == max)
        #expect(spec["fallback"] == ["failureThreshold": 3, "replicas": .integer(max)])
    }

    @Test("The trigger reads the reactor's desired replicas so that replicas = desired")
    func trigger() throws {
        let manifests = try DeployFixtures.manifests("examples/processing-pipeline.pf")
        let trigger = try #require(manifests.first(kind: "ScaledObject", name: "processing-pipeline-compute-packet")?.value["spec"]?["triggers"]?[0])
        #expect(trigger["type"] == "metrics-api")
        // Fallback works only for AverageValue; with target 1 the HPA computes ceil(desired / 1).
        #expect(trigger["metricType"] == "AverageValue")
        #expect(trigger["metadata"] == [
            "url": "http://packetflow-reactor.packetflow.svc:8080/v1/molecules/ProcessingPipeline/stages/ComputePacket/desired-replicas",
            "format": "json",
            "valueLocation": "desiredReplicas",
            "targetValue": "1",
        ])
    }

    @Test("The reactor can live in another namespace")
    func reactorNamespace() throws {
        var configuration = KubernetesDeployConfiguration(namespace: "shop")
        configuration.reactor = ReactorEndpoint(namespace: "packetflow-system")
        let manifests = try DeployFixtures.manifests("examples/processing-pipeline.pf", configuration: configuration)
        let url = manifests.first(kind: "ScaledObject", name: "processing-pipeline-save-packet")?
            .value["spec"]?["triggers"]?[0]?["metadata"]?["url"]?.stringValue
        #expect(url == "http://packetflow-reactor.packetflow-system.svc:8080/v1/molecules/ProcessingPipeline/stages/SavePacket/desired-replicas")
        #expect(manifests.allSatisfy { $0.value["metadata"]?["namespace"] == "shop" })
    }

    @Test("The HPA follows the reactor at once: no second stabilization, any step up to the maximum")
    func hpaBehavior() throws {
        let manifests = try DeployFixtures.manifests("examples/processing-pipeline.pf")
        let behavior = try #require(manifests.first(kind: "ScaledObject", name: "processing-pipeline-compute-packet")?
            .value["spec"]?["advanced"]?["horizontalPodAutoscalerConfig"]?["behavior"])
        for direction in ["scaleUp", "scaleDown"] {
            #expect(behavior[direction]?["stabilizationWindowSeconds"] == 0)
            #expect(behavior[direction]?["policies"] == [
                ["type": "Percent", "value": 100, "periodSeconds": 15],
                ["type": "Pods", "value": 8, "periodSeconds": 15],
            ])
        }
    }

    @Test("The trigger's valueLocation finds desiredReplicas in the reactor's response", arguments: [0, 1, 5, 16])
    func valueLocationFindsTheNumber(desired: Int) throws {
        let manifests = try DeployFixtures.manifests("examples/processing-pipeline.pf")
        let location = try #require(manifests.first(kind: "ScaledObject", name: "processing-pipeline-compute-packet")?
            .value["spec"]?["triggers"]?[0]?["metadata"]?["valueLocation"]?.stringValue)
        let response = DesiredReplicasResponse(
            molecule: "ProcessingPipeline", stage: "ComputePacket", desiredReplicas: desired, currentReplicas: 3,
            minReplicas: 1, maxReplicas: 8, reason: "balanced")
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(response))
        let found = try #require(GJSONPath(location).value(in: json) as? NSNumber)
        #expect(found.intValue == desired)
    }

    @Test("The route the reactor serves matches the URL in the trigger")
    func route() {
        let endpoint = ReactorEndpoint(namespace: "packetflow")
        let path = ReactorEndpoint.desiredReplicasPath(molecule: "M", stage: "S")
        #expect(ReactorEndpoint.desiredReplicasRoute
            .replacingOccurrences(of: "{molecule}", with: "M").replacingOccurrences(of: "{stage}", with: "S") == path)
        #expect(endpoint.desiredReplicasURL(molecule: "M", stage: "S") == "http://packetflow-reactor.packetflow.svc:8080" + path)
    }
}

/// The part of GJSON's path syntax (what KEDA's metrics-api `valueLocation` is) that plain
/// keys use: names separated by `.`, a number indexing an array.
struct GJSONPath {
    var components: [String]

    init(_ path: String) {
        components = path.split(separator: ".").map(String.init)
    }

    func value(in json: Any) -> Any? {
        var current: Any? = json
        for component in components {
            if let object = current as? [String: Any] {
                current = object[component]
            } else if let array = current as? [Any], let index = Int(component), array.indices.contains(index) {
                current = array[index]
            } else {
                return nil
            }
        }
        return current
    }
}

@Suite("One plan on many machines")
struct ManyMachinesTests {
    @Test("KEDA never runs more replicas of a stage than it has partitions: each gets one", arguments: DeployFixtures.examples)
    func replicasFitPartitions(example: String) throws {
        let (plan, files) = try DeployFixtures.example(example)
        let manifests = try KubernetesManifestGenerator(configuration: .init()).manifests(for: plan, files: files)
        for stage in plan.stages {
            let name = try #require(KubernetesName.joined([plan.molecule, stage.name]))
            let maximum = try #require(manifests.first(kind: "ScaledObject", name: name)?.value["spec"]?["maxReplicaCount"]?.integerValue)
            for topic in stage.inputTopics {
                let partitions = try #require(plan.topic(named: topic)?.partitions)
                #expect(maximum <= partitions, "\(stage.name) may run \(maximum) replicas on \(partitions) partitions of \(topic)")
            }
        }
    }

    @Test("A stage with fewer partitions than its scaling maximum is capped at its partitions")
    func cappedByPartitions() throws {
        let (plan, files) = try DeployFixtures.program("""
            packet Narrow { group: DF, handler: builtin("forward"), partitions: 3, scale: { min: 1, max: 10 } }
            molecule Capped { composition: [Narrow] }
            """)
        let manifests = try KubernetesManifestGenerator(configuration: .init()).manifests(for: plan, files: files)
        let spec = try #require(manifests.first(kind: "ScaledObject", name: "capped-narrow")?.value["spec"])
        #expect(spec["maxReplicaCount"] == 3)
        #expect(spec["fallback"]?["replicas"] == 3)
    }

    @Test("Every worker of a stage joins the plan's consumer group, whatever machine it runs on")
    func oneGroupPerStage() throws {
        let (plan, files) = try DeployFixtures.example("examples/order-fulfilment.pf")
        let manifests = try KubernetesManifestGenerator(configuration: .init()).manifests(for: plan, files: files)
        for stage in plan.stages {
            let name = try #require(KubernetesName.joined([plan.molecule, stage.name]))
            let deployment = try #require(manifests.first(kind: "Deployment", name: name))
            #expect(deployment.value["metadata"]?["annotations"]?["packetflow.dev/consumer-group"]?.stringValue == stage.consumerGroup)
            #expect(stage.consumerGroup == "pf.\(plan.molecule).\(stage.name)")
            // The pod names only the file, the molecule and the stage: nothing tied to a host.
            let args = deployment.value["spec"]?["template"]?["spec"]?["containers"]?[0]?["args"]?.listValue?.compactMap(\.stringValue)
            #expect(args?.contains(stage.name) == true)
            #expect(args?.contains { $0.contains("127.0.0.1") || $0.contains("localhost") } == false)
        }
    }
}
