import PacketFlowDeploy
import PacketFlowLanguage
import Testing

@Suite("Kubernetes manifests of a plan")
struct KubernetesManifestGeneratorTests {
    @Test("One ConfigMap, then a Deployment and a ScaledObject per stage, in plan order")
    func objects() throws {
        let manifests = try DeployFixtures.manifests("examples/processing-pipeline.pf")
        #expect(manifests.map { "\($0.kind)/\($0.name)" } == [
            "ConfigMap/processing-pipeline-molecule",
            "Deployment/processing-pipeline-validate-packet", "ScaledObject/processing-pipeline-validate-packet",
            "Deployment/processing-pipeline-compute-packet", "ScaledObject/processing-pipeline-compute-packet",
            "Deployment/processing-pipeline-save-packet", "ScaledObject/processing-pipeline-save-packet",
        ])
        for manifest in manifests {
            #expect(manifest.value["metadata"]?["namespace"]?.stringValue == "packetflow")
            #expect(manifest.value.keys?.prefix(3) == ["apiVersion", "kind", "metadata"])
        }
    }

    @Test("The same plan gives the same YAML, byte for byte", arguments: DeployFixtures.examples)
    func deterministic(example: String) throws {
        let first = try KubernetesManifest.yamlStream(DeployFixtures.manifests(example))
        let second = try KubernetesManifest.yamlStream(DeployFixtures.manifests(example))
        #expect(first == second)
    }

    @Test("Covalent packets share one container whose resources add up")
    func covalentStage() throws {
        let manifests = try DeployFixtures.manifests("examples/order-fulfilment.pf")
        let deployment = try #require(manifests.first(kind: "Deployment", name: "order-fulfilment-compute-packet"))
        #expect(manifests.first(kind: "Deployment", name: "order-fulfilment-enrich-packet") == nil)
        #expect(deployment.value["metadata"]?["annotations"]?["packetflow.dev/packets"]?.stringValue
            == "ComputePacket,EnrichPacket,FormatPacket")
        let containers = try #require(deployment.value["spec"]?["template"]?["spec"]?["containers"]?.listValue)
        #expect(containers.count == 1)
        // ComputePacket 0.5 CPU + 256Mi, EnrichPacket 1 CPU + 512Mi, FormatPacket nothing.
        let expected: ManifestValue = ["cpu": "1500m", "memory": "768Mi"]
        #expect(containers[0]["resources"] == ["requests": expected, "limits": expected])
    }

    @Test("A stage that declares no resources gets no resources block")
    func undeclaredResources() throws {
        let manifests = try DeployFixtures.manifests("examples/processing-pipeline.pf")
        let deployment = try #require(manifests.first(kind: "Deployment", name: "processing-pipeline-save-packet"))
        #expect(deployment.value["spec"]?["template"]?["spec"]?["containers"]?[0]?["resources"] == nil)
    }

    @Test("Each stage prefers nodes of its group's placement class", arguments: [
        ("processing-pipeline-validate-packet", "sequential-node"),
        ("processing-pipeline-compute-packet", "parallel-pool"),
        ("processing-pipeline-save-packet", "sequential-node"),
    ])
    func preferredPlacement(deployment name: String, placement: String) throws {
        let manifests = try DeployFixtures.manifests("examples/processing-pipeline.pf")
        let pod = try #require(manifests.first(kind: "Deployment", name: name)?.value["spec"]?["template"]?["spec"])
        let preferred = try #require(pod["affinity"]?["nodeAffinity"]?["preferredDuringSchedulingIgnoredDuringExecution"]?[0])
        #expect(preferred["weight"] == 100)
        #expect(preferred["preference"]?["matchExpressions"] == [
            ["key": "packetflow.dev/placement", "operator": "In", "values": [.string(placement)]],
        ])
        #expect(pod["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"] == nil)
    }

    @Test("Required placement makes node affinity a hard rule")
    func requiredPlacement() throws {
        var configuration = KubernetesDeployConfiguration()
        configuration.placement = .required
        let manifests = try DeployFixtures.manifests("examples/order-fulfilment.pf", configuration: configuration)
        let pod = try #require(manifests.first(kind: "Deployment", name: "order-fulfilment-alert-packet")?.value["spec"]?["template"]?["spec"])
        let required = pod["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]
        #expect(required == ["nodeSelectorTerms": [["matchExpressions": [
            ["key": "packetflow.dev/placement", "operator": "In", "values": ["edge"]],
        ]]]])
    }

    @Test("A weak bond makes both stages prefer the other's node")
    func weakBond() throws {
        let manifests = try DeployFixtures.manifests("examples/order-fulfilment.pf")
        for (stage, partner) in [("validate-packet", "save-packet"), ("save-packet", "validate-packet")] {
            let pod = try #require(manifests.first(kind: "Deployment", name: "order-fulfilment-\(stage)")?.value["spec"]?["template"]?["spec"])
            #expect(pod["affinity"]?["podAffinity"] == ["preferredDuringSchedulingIgnoredDuringExecution": [[
                "weight": 50,
                "podAffinityTerm": [
                    "labelSelector": ["matchLabels": ["packetflow.dev/molecule": "order-fulfilment", "packetflow.dev/stage": .string(partner)]],
                    "topologyKey": "kubernetes.io/hostname",
                ],
            ]]])
        }
        let compute = try #require(manifests.first(kind: "Deployment", name: "order-fulfilment-compute-packet"))
        #expect(compute.value["spec"]?["template"]?["spec"]?["affinity"]?["podAffinity"] == nil)
    }

    @Test("The partner's selector labels are what its pods carry")
    func weakBondSelectsPods() throws {
        let manifests = try DeployFixtures.manifests("examples/order-fulfilment.pf")
        let save = try #require(manifests.first(kind: "Deployment", name: "order-fulfilment-save-packet"))
        let selector = try #require(save.value["spec"]?["template"]?["spec"]?["affinity"]?["podAffinity"]?[
            "preferredDuringSchedulingIgnoredDuringExecution"]?[0]?["podAffinityTerm"]?["labelSelector"]?["matchLabels"])
        let validate = try #require(manifests.first(kind: "Deployment", name: "order-fulfilment-validate-packet"))
        let podLabels = try #require(validate.value["spec"]?["template"]?["metadata"]?["labels"])
        for key in selector.keys ?? [] {
            #expect(podLabels[key] == selector[key])
        }
    }

    @Test("Termination grace outlasts the drain: handler timeout plus flush, plus a margin", arguments: [
        ("processing-pipeline-validate-packet", 15, 25),  // timeout 5s
        ("processing-pipeline-compute-packet", 40, 50),   // default timeout 30s
        ("processing-pipeline-save-packet", 20, 30),      // timeout 10s
    ])
    func gracePeriod(deployment name: String, drainSeconds: Int, grace: Int) throws {
        let manifests = try DeployFixtures.manifests("examples/processing-pipeline.pf")
        let deployment = try #require(manifests.first(kind: "Deployment", name: name))
        #expect(deployment.value["metadata"]?["annotations"]?["packetflow.dev/drain-seconds"]?.stringValue == String(drainSeconds))
        let actual = try #require(deployment.value["spec"]?["template"]?["spec"]?["terminationGracePeriodSeconds"]?.integerValue)
        #expect(actual == grace)
        #expect(actual > drainSeconds)
    }

    @Test("The worker runs its stage from the mounted molecule, connection from the ConfigMap and Secret")
    func workerContainer() throws {
        let manifests = try DeployFixtures.manifests("examples/order-fulfilment.pf")
        let pod = try #require(manifests.first(kind: "Deployment", name: "order-fulfilment-save-packet")?.value["spec"]?["template"]?["spec"])
        let container = try #require(pod["containers"]?[0])
        #expect(container["args"] == [
            "worker", "--molecule", "/etc/packetflow/molecule/order-fulfilment.pf", "--molecule-name", "OrderFulfilment",
            "--stage", "SavePacket",
        ])
        #expect(container["envFrom"] == [
            ["configMapRef": ["name": "packetflow-kafka"]],
            ["secretRef": ["name": "packetflow-kafka-credentials", "optional": true]],
        ])
        // Both files, so the import of processing-pipeline.pf resolves in the pod.
        #expect(pod["volumes"]?[0]?["configMap"]?["items"] == [
            ["key": "order-fulfilment.pf", "path": "order-fulfilment.pf"],
            ["key": "processing-pipeline.pf", "path": "processing-pipeline.pf"],
        ])
        let configMap = try #require(manifests.first(kind: "ConfigMap", name: "order-fulfilment-molecule"))
        #expect(configMap.value["data"]?.keys == ["order-fulfilment.pf", "processing-pipeline.pf"])
    }

    @Test("Files in sub-folders keep their layout below the common folder")
    func nestedImports() throws {
        let manifests = try KubernetesManifestGenerator(configuration: .init()).manifests(
            for: DeployFixtures.example("examples/processing-pipeline.pf").plan,
            files: [
                MoleculeSourceFile(path: "/srv/app/molecules/main.pf", text: "// root"),
                MoleculeSourceFile(path: "/srv/app/molecules/../lib/packets.pf", text: "// lib"),
            ])
        let deployment = try #require(manifests.first(kind: "Deployment", name: "processing-pipeline-compute-packet"))
        let pod = try #require(deployment.value["spec"]?["template"]?["spec"])
        #expect(pod["containers"]?[0]?["args"]?[2] == "/etc/packetflow/molecule/molecules/main.pf")
        #expect(pod["volumes"]?[0]?["configMap"]?["items"] == [
            ["key": "molecules_main.pf", "path": "molecules/main.pf"],
            ["key": "lib_packets.pf", "path": "lib/packets.pf"],
        ])
    }

    @Test("A changed molecule file changes the pod template, so workers roll")
    func checksumRolls() throws {
        let (plan, files) = try DeployFixtures.example("examples/processing-pipeline.pf")
        let generator = KubernetesManifestGenerator(configuration: .init())
        var edited = files
        edited[0].text += "\n// edited\n"
        func checksum(_ files: [MoleculeSourceFile]) throws -> ManifestValue? {
            try generator.manifests(for: plan, files: files)
                .first(kind: "Deployment", name: "processing-pipeline-save-packet")?
                .value["spec"]?["template"]?["metadata"]?["annotations"]?["packetflow.dev/molecule-checksum"]
        }
        #expect(try checksum(files) != nil)
        #expect(try checksum(files) != checksum(edited))
    }

    @Test("Stages whose names collide in Kubernetes are an error naming both")
    func collision() throws {
        let (plan, files) = try DeployFixtures.program("""
            packet ComputePacket { group: DF, handler: builtin("forward") }
            packet Compute_Packet { group: DF, handler: builtin("forward") }
            molecule Twins { composition: [ComputePacket, Compute_Packet], bonds: [{ComputePacket, Compute_Packet, :ionic}] }
            """)
        #expect {
            try KubernetesManifestGenerator(configuration: .init()).manifests(for: plan, files: files)
        } throws: { error in
            guard let error = error as? DeployError else { return false }
            return error.code == .nameCollision && error.message.contains("ComputePacket") && error.message.contains("Compute_Packet")
        }
    }

    @Test("A namespace Kubernetes would reject is refused before anything is generated", arguments: ["Packet_Flow", "", "-x"])
    func badNamespace(namespace: String) throws {
        let (plan, files) = try DeployFixtures.example("examples/processing-pipeline.pf")
        #expect(throws: DeployError.self) {
            try KubernetesManifestGenerator(configuration: KubernetesDeployConfiguration(namespace: namespace))
                .manifests(for: plan, files: files)
        }
    }
}
